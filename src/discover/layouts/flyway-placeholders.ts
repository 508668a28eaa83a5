/**
 * Flyway replaces `${name}` placeholders before it runs a script, so drydock must too before
 * parsing. Names compare case-insensitively. Built-ins get the values of a fresh PostgreSQL
 * database; anything else must be configured, because guessing would parse different SQL than
 * production runs.
 */
import { DrydockError } from '../../util/errors';

const PLACEHOLDER = /\$\{([^}\n]+)\}/g;

function builtIns(fileName: string): Record<string, string> {
  return {
    'flyway:defaultschema': 'public',
    'flyway:user': 'postgres',
    'flyway:database': 'postgres',
    'flyway:timestamp': new Date().toISOString().replace('T', ' ').slice(0, 19),
    'flyway:filename': fileName,
    'flyway:table': 'flyway_schema_history',
  };
}

/** Replace every placeholder; values containing no newline keep every line number unchanged. */
export function substitutePlaceholders(
  text: string,
  path: string,
  fileName: string,
  configured: Record<string, string>,
): string {
  const values = builtIns(fileName);
  for (const [name, value] of Object.entries(configured)) values[name.toLowerCase()] = value;
  return text.replace(PLACEHOLDER, (whole, name: string, offset: number) => {
    const value = values[name.trim().toLowerCase()];
    if (value !== undefined) return value;
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    const column = offset - before.lastIndexOf('\n');
    throw new DrydockError(`no value for Flyway placeholder ${whole}`, {
      position: { path, line, column },
      fix: `configure it (flyway.placeholders.${name.trim()}=<value> in flyway.conf, or the placeholders option), or set placeholderReplacement=false in the script's .conf`,
    });
  });
}
