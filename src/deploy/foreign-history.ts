/**
 * Reading other runners' history tables, so a team can switch to drydock without re-running
 * anything (migration-formats.md §3): Prisma `_prisma_migrations`, Flyway `flyway_schema_history`,
 * golang-migrate `schema_migrations(version, dirty)` (one row: everything up to it is applied),
 * dbmate `schema_migrations(version)` and diesel `__diesel_schema_migrations`.
 * A runner's own "failed halfway" state refuses the import: it must be repaired first.
 */
import type { ClientBase } from 'pg';
import { DrydockError } from '../util/errors';
import type { ForeignTool } from './types';
import { quoteAlways } from '../parse/quote';

export interface ForeignEntry {
  version: string;
  appliedAt: string | null;
  appliedBy: string | null;
  /** The file name the runner recorded (Flyway script, Prisma directory), to match repeatables. */
  script: string | null;
}

export interface ForeignHistory {
  tool: ForeignTool;
  table: string;
  applied: ForeignEntry[];
  /** golang-migrate's single version, or a Flyway BASELINE: every migration up to it counts as applied. */
  upTo: string | null;
}

const DEFAULT_TABLES: Record<ForeignTool, string> = {
  prisma: '_prisma_migrations',
  flyway: 'flyway_schema_history',
  'golang-migrate': 'schema_migrations',
  dbmate: 'schema_migrations',
  diesel: '__diesel_schema_migrations',
};

export const FOREIGN_TOOLS = Object.keys(DEFAULT_TABLES) as ForeignTool[];

async function tableExists(client: ClientBase, table: string): Promise<boolean> {
  const { rows } = await client.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [table]);
  return rows[0].exists;
}

async function hasColumn(client: ClientBase, table: string, column: string): Promise<boolean> {
  const { rows } = await client.query<{ exists: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = $2 AND NOT attisdropped) AS exists',
    [table, column],
  );
  return rows[0].exists;
}

/** Which runners' history tables exist here (golang-migrate and dbmate told apart by the `dirty` column). */
export async function detectForeignTools(client: ClientBase): Promise<ForeignTool[]> {
  const found: ForeignTool[] = [];
  for (const tool of FOREIGN_TOOLS) {
    const table = DEFAULT_TABLES[tool];
    if (!(await tableExists(client, table))) continue;
    if (table === 'schema_migrations') {
      const dirty = await hasColumn(client, table, 'dirty');
      if ((tool === 'golang-migrate') !== dirty) continue;
    }
    found.push(tool);
  }
  return found;
}

export async function readForeignHistory(client: ClientBase, tool: ForeignTool, tableOverride?: string): Promise<ForeignHistory> {
  const table = tableOverride ?? DEFAULT_TABLES[tool];
  if (!(await tableExists(client, table))) {
    throw new DrydockError(`no ${tool} history table ${table} in this database`, {
      fix: 'check --from (prisma, flyway, golang-migrate, dbmate, diesel), the database URL, or pass --table',
    });
  }
  const quoted = table
    .split('.')
    .map(quoteAlways)
    .join('.');
  const readers: Record<ForeignTool, () => Promise<ForeignHistory>> = {
    prisma: () => readPrisma(client, quoted, table),
    flyway: () => readFlyway(client, quoted, table),
    'golang-migrate': () => readGolangMigrate(client, quoted, table),
    dbmate: () => readVersionTable(client, quoted, table, 'dbmate', 'NULL'),
    diesel: () => readVersionTable(client, quoted, table, 'diesel', 'run_on'),
  };
  return readers[tool]();
}

function iso(value: Date | null): string | null {
  return value ? value.toISOString() : null;
}

async function readPrisma(client: ClientBase, quoted: string, table: string): Promise<ForeignHistory> {
  const { rows } = await client.query<{ migration_name: string; finished_at: Date | null; rolled_back_at: Date | null; started_at: Date }>(
    `SELECT migration_name, finished_at, rolled_back_at, started_at FROM ${quoted} ORDER BY started_at, migration_name`,
  );
  const unfinished = rows.filter((r) => r.finished_at === null && r.rolled_back_at === null);
  if (unfinished.length > 0) {
    throw new DrydockError(`Prisma records unfinished migration(s): ${unfinished.map((r) => r.migration_name).join(', ')}`, {
      fix: 'finish or roll them back and run `prisma migrate resolve --applied|--rolled-back <name>`, then import again',
    });
  }
  const applied = rows
    .filter((r) => r.finished_at !== null && r.rolled_back_at === null)
    .map((r) => ({ version: r.migration_name, appliedAt: iso(r.finished_at), appliedBy: null, script: r.migration_name }));
  return { tool: 'prisma', table, applied, upTo: null };
}

async function readFlyway(client: ClientBase, quoted: string, table: string): Promise<ForeignHistory> {
  const { rows } = await client.query<{
    version: string | null;
    type: string;
    script: string;
    installed_by: string;
    installed_on: Date | null;
    success: boolean;
  }>(`SELECT version, type, script, installed_by, installed_on, success FROM ${quoted} ORDER BY installed_rank`);
  const failed = rows.filter((r) => !r.success);
  if (failed.length > 0) {
    throw new DrydockError(`Flyway records failed migration(s): ${failed.map((r) => r.version ?? r.script).join(', ')}`, {
      fix: 'clean up the partial change and run `flyway repair`, then import again',
    });
  }
  const applied = new Map<string, ForeignEntry>();
  let upTo: string | null = null;
  for (const r of rows) {
    const key = r.version ?? r.script;
    if (r.type === 'BASELINE') upTo = r.version;
    else if (r.type === 'UNDO_SQL' || r.type === 'DELETE') applied.delete(key);
    else if (r.type !== 'SCHEMA') {
      applied.set(key, { version: key, appliedAt: iso(r.installed_on), appliedBy: r.installed_by, script: r.script });
    }
  }
  return { tool: 'flyway', table, applied: [...applied.values()], upTo };
}

async function readGolangMigrate(client: ClientBase, quoted: string, table: string): Promise<ForeignHistory> {
  const { rows } = await client.query<{ version: string; dirty: boolean }>(`SELECT version::text AS version, dirty FROM ${quoted}`);
  if (rows.length === 0) return { tool: 'golang-migrate', table, applied: [], upTo: null };
  const { version, dirty } = rows[0];
  if (dirty) {
    throw new DrydockError(`golang-migrate: dirty database version ${version} (a migration failed halfway)`, {
      fix: `clean up migration ${version}'s partial change, run \`migrate force <version>\`, then import again`,
    });
  }
  return { tool: 'golang-migrate', table, applied: [], upTo: version };
}

async function readVersionTable(
  client: ClientBase,
  quoted: string,
  table: string,
  tool: 'dbmate' | 'diesel',
  timeColumn: string,
): Promise<ForeignHistory> {
  const { rows } = await client.query<{ version: string; at: Date | null }>(
    `SELECT version::text AS version, ${timeColumn} AS at FROM ${quoted} ORDER BY version`,
  );
  return { tool, table, applied: rows.map((r) => ({ version: r.version, appliedAt: iso(r.at), appliedBy: null, script: null })), upTo: null };
}
