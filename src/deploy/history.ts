/**
 * drydock's own bookkeeping in the target database, schema `drydock`:
 *   migration_history — one row per attempt (applied, failed, baseline, imported, resolved);
 *   migration_locks   — who holds the deploy lock and since when (informational: the real mutual
 *                       exclusion is the session advisory lock in ./lock.ts).
 * The latest row of a version decides its state.
 */
import type { ClientBase } from 'pg';
import type { HistoryRow, HistoryStatus } from './types';

export const HISTORY_TABLE = 'drydock.migration_history';
export const LOCKS_TABLE = 'drydock.migration_locks';

const SCHEMA_SQL = `
CREATE SCHEMA IF NOT EXISTS drydock;
CREATE TABLE IF NOT EXISTS drydock.migration_history (
  id bigserial PRIMARY KEY,
  version text NOT NULL,
  description text NOT NULL DEFAULT '',
  path text,
  checksum text,
  status text NOT NULL CHECK (status IN ('running', 'applied', 'failed', 'baseline', 'imported', 'resolved', 'rolled_back')),
  blocks_deploy boolean NOT NULL DEFAULT false,
  applied_at timestamptz NOT NULL DEFAULT now(),
  applied_by text NOT NULL,
  duration_ms bigint,
  rollback_script text,
  statement_timings jsonb,
  statements_done integer,
  wal_bytes bigint,
  table_sizes jsonb,
  backup_location text,
  pitr_lsn pg_lsn,
  pitr_time timestamptz,
  error text,
  cleanup text,
  source text NOT NULL DEFAULT 'drydock',
  deploy_id text
);
CREATE INDEX IF NOT EXISTS migration_history_version_idx ON drydock.migration_history (version, id);
CREATE TABLE IF NOT EXISTS drydock.migration_locks (
  lock_key bigint PRIMARY KEY,
  holder text NOT NULL,
  pid integer NOT NULL,
  deploy_id text,
  acquired_at timestamptz NOT NULL DEFAULT now()
);`;

/** Create the schema and tables. Call only while holding the deploy lock (concurrent DDL races). */
export async function ensureHistorySchema(client: ClientBase): Promise<void> {
  const { rows } = await client.query<{ ready: boolean }>(
    "SELECT to_regclass('drydock.migration_history') IS NOT NULL AND to_regclass('drydock.migration_locks') IS NOT NULL AS ready",
  );
  if (rows[0].ready) return;
  try {
    await client.query(`BEGIN; SET LOCAL lock_timeout = '10s'; ${SCHEMA_SQL} COMMIT;`);
  } catch (error) {
    // A failed multi-statement query leaves its explicit transaction open and aborted.
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

export async function historyExists(client: ClientBase): Promise<boolean> {
  const { rows } = await client.query<{ exists: boolean }>("SELECT to_regclass('drydock.migration_history') IS NOT NULL AS exists");
  return rows[0].exists;
}

interface RawHistoryRow {
  id: string;
  version: string;
  description: string;
  path: string | null;
  checksum: string | null;
  status: HistoryStatus;
  blocks_deploy: boolean;
  applied_at: Date;
  applied_by: string;
  duration_ms: string | null;
  error: string | null;
  cleanup: string | null;
  source: string;
  deploy_id: string | null;
}

const ROW_COLUMNS =
  'id, version, description, path, checksum, status, blocks_deploy, applied_at, applied_by, duration_ms, error, cleanup, source, deploy_id';

function toRow(raw: RawHistoryRow): HistoryRow {
  return {
    id: Number(raw.id),
    version: raw.version,
    description: raw.description,
    path: raw.path,
    checksum: raw.checksum,
    status: raw.status,
    blocksDeploy: raw.blocks_deploy,
    appliedAt: raw.applied_at.toISOString(),
    appliedBy: raw.applied_by,
    durationMs: raw.duration_ms === null ? null : Number(raw.duration_ms),
    error: raw.error,
    cleanup: raw.cleanup,
    source: raw.source,
    deployId: raw.deploy_id,
  };
}

/** Every row, oldest first; empty when drydock never ran here. */
export async function readHistory(client: ClientBase): Promise<HistoryRow[]> {
  if (!(await historyExists(client))) return [];
  const { rows } = await client.query<RawHistoryRow>(`SELECT ${ROW_COLUMNS} FROM ${HISTORY_TABLE} ORDER BY id`);
  return rows.map(toRow);
}

/** The latest row of each version, in first-seen order. */
export function latestByVersion(rows: HistoryRow[]): Map<string, HistoryRow> {
  const latest = new Map<string, HistoryRow>();
  for (const row of rows) latest.set(row.version, row);
  return latest;
}

const APPLIED_STATES: ReadonlySet<HistoryStatus> = new Set(['applied', 'baseline', 'imported', 'resolved']);

export function countsAsApplied(row: HistoryRow): boolean {
  return APPLIED_STATES.has(row.status);
}

/** A row that must be resolved before anything else is applied. */
export function isBlocking(row: HistoryRow): boolean {
  return (row.status === 'failed' && row.blocksDeploy) || row.status === 'running';
}

export interface NewHistoryRow {
  version: string;
  description: string;
  path: string | null;
  checksum: string | null;
  status: HistoryStatus;
  blocksDeploy?: boolean;
  appliedBy: string;
  appliedAt?: string | null;
  durationMs?: number | null;
  rollbackScript?: string | null;
  statementTimings?: unknown;
  statementsDone?: number | null;
  walBytes?: number | null;
  tableSizes?: unknown;
  backupLocation?: string | null;
  pitrLsn?: string | null;
  pitrTime?: string | null;
  error?: string | null;
  cleanup?: string | null;
  source?: string;
  deployId?: string | null;
}

/** The INSERT for one row, as text and parameters, so it can run inside the migration's own transaction. */
export function insertHistoryQuery(row: NewHistoryRow): { text: string; values: unknown[] } {
  return {
    text: `INSERT INTO ${HISTORY_TABLE}
      (version, description, path, checksum, status, blocks_deploy, applied_by, applied_at, duration_ms, rollback_script,
       statement_timings, statements_done, wal_bytes, table_sizes, backup_location, pitr_lsn, pitr_time, error, cleanup,
       source, deploy_id)
      VALUES ($1, $2, $3, $4, $5, $6, $7, coalesce($8::timestamptz, now()), $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
       $19, $20, $21)
      RETURNING id`,
    values: [
      row.version,
      row.description,
      row.path,
      row.checksum,
      row.status,
      row.blocksDeploy ?? false,
      row.appliedBy,
      row.appliedAt ?? null,
      row.durationMs ?? null,
      row.rollbackScript ?? null,
      row.statementTimings === undefined ? null : JSON.stringify(row.statementTimings),
      row.statementsDone ?? null,
      row.walBytes ?? null,
      row.tableSizes === undefined ? null : JSON.stringify(row.tableSizes),
      row.backupLocation ?? null,
      row.pitrLsn ?? null,
      row.pitrTime ?? null,
      row.error ?? null,
      row.cleanup ?? null,
      row.source ?? 'drydock',
      row.deployId ?? null,
    ],
  };
}

/**
 * The INSERT with its values inlined as escaped literals, for a simple-protocol batch
 * (`INSERT …; COMMIT` in one round trip). The placeholders are drydock's own, never user text.
 */
export function inlinedInsertHistory(client: ClientBase, row: NewHistoryRow): string {
  const { text, values } = insertHistoryQuery(row);
  return text.replace(/\$(\d+)/g, (_, n: string) => literal(client, values[Number(n) - 1]));
}

function literal(client: ClientBase, value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return client.escapeLiteral(String(value));
}

export async function insertHistory(client: ClientBase, row: NewHistoryRow): Promise<number> {
  const { rows } = await client.query<{ id: string }>(insertHistoryQuery(row));
  return Number(rows[0].id);
}

/** Update a non-transactional migration's row as it progresses and when it ends. */
export async function updateHistory(
  client: ClientBase,
  id: number,
  fields: Partial<Pick<NewHistoryRow, 'status' | 'blocksDeploy' | 'durationMs' | 'statementTimings' | 'statementsDone' | 'walBytes' | 'tableSizes' | 'error' | 'cleanup'>>,
): Promise<void> {
  const columns: Record<string, unknown> = {
    status: fields.status,
    blocks_deploy: fields.blocksDeploy,
    duration_ms: fields.durationMs,
    statement_timings: fields.statementTimings === undefined ? undefined : JSON.stringify(fields.statementTimings),
    statements_done: fields.statementsDone,
    wal_bytes: fields.walBytes,
    table_sizes: fields.tableSizes === undefined ? undefined : JSON.stringify(fields.tableSizes),
    error: fields.error,
    cleanup: fields.cleanup,
  };
  const set: string[] = [];
  const values: unknown[] = [];
  for (const [column, value] of Object.entries(columns)) {
    if (value === undefined) continue;
    values.push(value);
    set.push(`${column} = $${values.length}`);
  }
  if (set.length === 0) return;
  values.push(id);
  await client.query(`UPDATE ${HISTORY_TABLE} SET ${set.join(', ')} WHERE id = $${values.length}`, values);
}
