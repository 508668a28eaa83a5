/** The databases a restore creates, replaces or drops, through an admin connection on the target server. */
import { DrydockError } from '../util/errors';
import { withClient } from '../util/pg';
import { describeUrl, redact } from '../util/secrets';
import type { TableEstimate } from './types';
import { quoteAlways } from '../parse/quote';

const MAX_IDENTIFIER = 63;


/** "<base><suffix>", with base shortened so the name fits PostgreSQL's 63-byte identifiers. */
export function nameWithSuffix(base: string, suffix: string): string {
  let cut = base;
  while (Buffer.byteLength(cut + suffix) > MAX_IDENTIFIER) cut = cut.slice(0, -1);
  return cut + suffix;
}

/** e.g. "20261125T101500" */
export function compactTimestamp(at: Date): string {
  return at.toISOString().slice(0, 19).replace(/[-:]/g, '');
}

export async function databaseExists(adminUrl: string, name: string): Promise<boolean> {
  const { rows } = await admin(adminUrl, `look up database ${name}`, (c) => c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]));
  return rows.length > 0;
}

export async function createDatabase(adminUrl: string, name: string): Promise<void> {
  await admin(adminUrl, `create database ${name}`, (c) => c.query(`CREATE DATABASE ${quoteAlways(name)} TEMPLATE template0`));
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await admin(adminUrl, `drop database ${name}`, (c) => c.query(`DROP DATABASE IF EXISTS ${quoteAlways(name)} WITH (FORCE)`));
}

/** Drop `target` (disconnecting its sessions) and give `replacement` its name. */
export async function replaceDatabase(adminUrl: string, target: string, replacement: string): Promise<void> {
  await admin(adminUrl, `replace database ${target}`, async (c) => {
    await c.query(`DROP DATABASE ${quoteAlways(target)} WITH (FORCE)`);
    await c.query(`ALTER DATABASE ${quoteAlways(replacement)} RENAME TO ${quoteAlways(target)}`);
  });
}

/** What a database holds, for the "this will be lost" list: user tables with the planner's row estimates. */
export async function tableEstimates(databaseUrl: string): Promise<TableEstimate[]> {
  const { rows } = await admin(databaseUrl, 'list the tables that would be replaced', (c) =>
    c.query<{ name: string; estimate: string }>(
      `SELECT format('%s.%s', n.nspname, c.relname) AS name, c.reltuples::bigint::text AS estimate
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
          AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
        ORDER BY 1`,
    ),
  );
  // reltuples is -1 (PostgreSQL 14+) or 0 (before) for a table never vacuumed or analysed.
  return rows.map((r) => ({ table: r.name, rowEstimate: Number(r.estimate) < 0 ? null : Number(r.estimate) }));
}

async function admin<T>(url: string, action: string, fn: Parameters<typeof withClient<T>>[1]): Promise<T> {
  try {
    return await withClient(url, fn);
  } catch (error) {
    throw new DrydockError(`cannot ${action} on ${describeUrl(url)}: ${redact((error as Error).message)}`, {
      fix: 'check --target-url; the role needs CREATEDB (and ownership of the database it replaces)',
    });
  }
}
