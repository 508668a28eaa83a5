/**
 * Turning option values into typed engine inputs, with exit-2 errors that say what was expected.
 * Shared by every command so that the same option means the same thing everywhere.
 */
import { loadMigrations } from '../engine/load';
import type { ParsedMigration } from '../engine/types';
import { LAYOUT_NAMES, LayoutName, SEVERITIES, Severity } from '../report/types';
import { DrydockError } from '../util/errors';
import { registerSecret } from '../util/secrets';
import type { Io, Options, Values } from './command';

export function stringOption(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

export function requiredString(values: Values, name: string, command: string, example: string): string {
  const v = stringOption(values, name);
  if (v === undefined || v === '') throw new DrydockError(`drydock ${command} needs --${name}`, { fix: `e.g. --${name} ${example}` });
  return v;
}

export function intOption(values: Values, name: string): number | undefined {
  const v = stringOption(values, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new DrydockError(`--${name} must be a whole number, not "${v}"`, { fix: `e.g. --${name} 5` });
  return Number(v);
}

/** Durations stay strings ("5s", "2min", "500ms") or plain milliseconds; the deploy module parses them. */
export function durationOption(values: Values, name: string): string | number | undefined {
  const v = stringOption(values, name);
  if (v === undefined) return undefined;
  if (/^\d+$/.test(v)) return Number(v);
  if (!/^\d+(\.\d+)?\s*(ms|s|min|h)$/.test(v)) {
    throw new DrydockError(`--${name} must be a duration such as 500ms, 5s, 2min or 1h, not "${v}"`, { fix: `e.g. --${name} 5s` });
  }
  return v;
}

export function layoutOption(values: Values): LayoutName | undefined {
  const v = stringOption(values, 'layout');
  if (v === undefined) return undefined;
  if (!(LAYOUT_NAMES as readonly string[]).includes(v)) {
    throw new DrydockError(`unknown layout "${v}"`, { fix: `use one of: ${LAYOUT_NAMES.join(', ')}` });
  }
  return v as LayoutName;
}

export function failOnOption(values: Values): Severity | 'never' | undefined {
  const v = stringOption(values, 'fail-on');
  if (v === undefined) return undefined;
  if (v !== 'never' && !(SEVERITIES as readonly string[]).includes(v)) {
    throw new DrydockError(`--fail-on must be one of info, warning, error, never, not "${v}"`, { fix: 'e.g. --fail-on error' });
  }
  return v as Severity | 'never';
}

export const CONNECTION_OPTIONS: Options = {
  'database-url': { type: 'string' },
  actor: { type: 'string' },
};

export const CONNECTION_USAGE = `  --database-url URL   the target database (or env DRYDOCK_DATABASE_URL, which keeps it out of the process list)
  --actor NAME         who runs it, recorded in history (default: $GITHUB_ACTOR or $USER)`;

/** The target database: from the option or the environment; registered as a secret before any use. */
export function databaseUrl(values: Values, io: Io, command: string): string {
  const url = stringOption(values, 'database-url') ?? io.env.DRYDOCK_DATABASE_URL;
  if (!url) {
    throw new DrydockError(`drydock ${command} needs --database-url or DRYDOCK_DATABASE_URL`, {
      fix: 'e.g. DRYDOCK_DATABASE_URL=postgres://deploy@db.internal:5432/app',
    });
  }
  registerSecret(url);
  try {
    const parsed = new URL(url);
    if (!/^postgres(ql)?:$/.test(parsed.protocol)) throw new Error('scheme');
  } catch {
    throw new DrydockError('the database URL is not a postgres:// URL', { fix: 'use postgres://user:password@host:5432/database' });
  }
  return url;
}

export function actor(values: Values, io: Io): string {
  return stringOption(values, 'actor') ?? io.env.GITHUB_ACTOR ?? io.env.USER ?? 'unknown';
}

export const MIGRATION_OPTIONS: Options = { layout: { type: 'string' } };

export async function migrationsFrom(values: Values, positionals: string[], io: Io): Promise<ParsedMigration[]> {
  const { migrations } = await loadMigrations({ cwd: io.cwd, dirs: positionals, layout: layoutOption(values) });
  return migrations;
}

/** For commands that work from the database's history alone: migrations only when folders are named. */
export async function namedMigrations(values: Values, positionals: string[], io: Io): Promise<ParsedMigration[] | undefined> {
  return positionals.length > 0 ? migrationsFrom(values, positionals, io) : undefined;
}

export const SAFETY_OPTIONS: Options = {
  'lock-timeout': { type: 'string' },
  'statement-timeout': { type: 'string' },
  retries: { type: 'string' },
  'watchdog-bound': { type: 'string' },
  'lock-wait': { type: 'string' },
};

export const SAFETY_USAGE = `  --lock-timeout D     lock_timeout for every statement (default 2s)
  --statement-timeout D  statement_timeout (default 30min; concurrent builds run without one)
  --retries N          attempts after the first when a lock is not granted (default 5)
  --watchdog-bound D   cancel and retry when application queries queue behind a statement longer (default 5s; 0 = off)
  --lock-wait D        how long to wait for another deploy to finish (default 5min)`;

export function safety(values: Values) {
  return {
    lockTimeout: durationOption(values, 'lock-timeout'),
    statementTimeout: durationOption(values, 'statement-timeout'),
    retries: intOption(values, 'retries'),
    watchdogBound: durationOption(values, 'watchdog-bound'),
    lockWaitLimit: durationOption(values, 'lock-wait'),
  };
}
