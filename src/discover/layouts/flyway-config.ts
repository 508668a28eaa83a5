/**
 * The Flyway settings drydock needs: per-script `<script>.conf` files (executeInTransaction,
 * placeholderReplacement) and placeholder values from `flyway.conf` / `flyway.toml`.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { parseToml } from '../toml';
import { DrydockError } from '../../util/errors';
import { type LoadContext, readScript } from '../context';

/** Java-properties style `key=value` lines; `#` and `!` start comments. */
export function parseProperties(text: string): Map<string, string> {
  const properties = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const eq = line.search(/[=:]/);
    if (eq === -1) continue;
    properties.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return properties;
}

export interface ScriptConfig {
  /** e.g. "V2__x.sql.conf: executeInTransaction=false" when the script opts out, else null. */
  noTransactionSource: string | null;
  placeholderReplacement: boolean;
}

export function readScriptConfig(scriptAbsPath: string, context: LoadContext): ScriptConfig {
  const confPath = `${scriptAbsPath}.conf`;
  if (!existsSync(confPath)) return { noTransactionSource: null, placeholderReplacement: true };
  const properties = parseProperties(readScript(context, confPath).text);
  const noTransaction = properties.get('executeInTransaction')?.toLowerCase() === 'false';
  return {
    noTransactionSource: noTransaction ? `${path.basename(confPath)}: executeInTransaction=false` : null,
    placeholderReplacement: properties.get('placeholderReplacement')?.toLowerCase() !== 'false',
  };
}

/**
 * Placeholder values from `flyway.conf` (`flyway.placeholders.<name>=<value>`) and `flyway.toml`
 * (`[flyway.placeholders]`) in the given directories; later directories override earlier ones.
 */
export function readConfiguredPlaceholders(dirs: string[], context: LoadContext): Record<string, string> {
  const values: Record<string, string> = {};
  for (const dir of dirs) {
    const conf = path.join(dir, 'flyway.conf');
    if (existsSync(conf)) {
      for (const [key, value] of parseProperties(readScript(context, conf).text)) {
        if (key.startsWith('flyway.placeholders.')) values[key.slice('flyway.placeholders.'.length)] = value;
      }
    }
    const toml = path.join(dir, 'flyway.toml');
    if (existsSync(toml)) Object.assign(values, tomlPlaceholders(readScript(context, toml)));
  }
  return values;
}

function tomlPlaceholders(script: { path: string; text: string }): Record<string, string> {
  let parsed: Record<string, unknown>;
  try {
    parsed = parseToml(script.text);
  } catch (error) {
    throw new DrydockError(`flyway.toml is not valid TOML: ${(error as Error).message.split('\n')[0]}`, {
      position: { path: script.path, line: (error as { line?: number }).line },
      fix: 'correct the TOML syntax',
    });
  }
  const flyway = parsed.flyway as Record<string, unknown> | undefined;
  const placeholders = (flyway?.placeholders ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(placeholders).map(([k, v]) => [k, String(v)]));
}
