/** Shared steps of the rollback tests: run SQL the way a migration runs, and take catalog snapshots. */
import type { ClientBase } from 'pg';
import { loadParser, parseSql, ParsedStatement } from '../../src/parse/parser';
import { CatalogSnapshot, snapshotCatalog } from '../../src/schema';

export async function parse(sql: string, path = 'migration.sql'): Promise<ParsedStatement[]> {
  await loadParser();
  return parseSql(sql, path).statements;
}

/** One statement per round trip, autocommit: CREATE INDEX CONCURRENTLY and friends work. */
export async function runStatements(client: ClientBase, statements: ParsedStatement[]): Promise<void> {
  for (const s of statements) await client.query(s.sql);
}

export async function runSql(client: ClientBase, sql: string): Promise<void> {
  await runStatements(client, await parse(sql));
}

export function snapshot(client: ClientBase): Promise<CatalogSnapshot> {
  return snapshotCatalog(client);
}
