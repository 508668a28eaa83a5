/**
 * Where a backfill's progress lives. In the target database (drydock.batch_progress), the progress
 * row is written in the same transaction as the batch it describes, so after a crash the row and
 * the data agree: a rerun continues after the last committed batch, and no row is updated twice.
 * The dry run keeps progress in memory (its database is thrown away).
 */
import type { ClientBase } from 'pg';

export interface BackfillState {
  /** Key value (as text) of the last committed batch's upper bound; null before the first batch. */
  lastKey: string | null;
  keysDone: number;
  rowsDone: number;
  /** Keys in the table when the backfill started (approximate for large tables). */
  total: number;
  batches: number;
  done: boolean;
  /** Time spent in earlier runs (a resumed backfill adds to it). */
  elapsedMs: number;
  maxBatchMs: number;
  throttledMs: number;
  /** File checksum the backfill started with: a rerun refuses to continue an edited statement. */
  checksum: string;
}

export interface ProgressStore {
  load(client: ClientBase): Promise<BackfillState | null>;
  /** Called inside the batch's transaction, before its COMMIT. */
  save(client: ClientBase, state: BackfillState): Promise<void>;
}

export const PROGRESS_TABLE = 'drydock.batch_progress';

const SCHEMA_SQL = `CREATE SCHEMA IF NOT EXISTS drydock;
CREATE TABLE IF NOT EXISTS ${PROGRESS_TABLE} (
  version text NOT NULL,
  statement_index integer NOT NULL,
  checksum text NOT NULL,
  key_column text NOT NULL,
  last_key text,
  keys_done bigint NOT NULL DEFAULT 0,
  rows_done bigint NOT NULL DEFAULT 0,
  total bigint NOT NULL DEFAULT 0,
  batches integer NOT NULL DEFAULT 0,
  done boolean NOT NULL DEFAULT false,
  elapsed_ms bigint NOT NULL DEFAULT 0,
  max_batch_ms double precision NOT NULL DEFAULT 0,
  throttled_ms bigint NOT NULL DEFAULT 0,
  started_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (version, statement_index)
)`;

/** Create the table. Call holding the deploy lock (concurrent CREATE … IF NOT EXISTS can race). */
export async function ensureProgressTable(client: ClientBase): Promise<void> {
  const { rows } = await client.query<{ ready: boolean }>(`SELECT to_regclass('${PROGRESS_TABLE}') IS NOT NULL AS ready`);
  if (!rows[0].ready) await client.query(SCHEMA_SQL);
}

interface ProgressRow {
  checksum: string;
  last_key: string | null;
  keys_done: string;
  rows_done: string;
  total: string;
  batches: number;
  done: boolean;
  elapsed_ms: string;
  max_batch_ms: number;
  throttled_ms: string;
}

export class TableProgressStore implements ProgressStore {
  constructor(
    private readonly version: string,
    private readonly statementIndex: number,
    private readonly keyColumn: string,
  ) {}

  async load(client: ClientBase): Promise<BackfillState | null> {
    const { rows } = await client.query<ProgressRow>(
      `SELECT checksum, last_key, keys_done, rows_done, total, batches, done, elapsed_ms, max_batch_ms, throttled_ms
         FROM ${PROGRESS_TABLE} WHERE version = $1 AND statement_index = $2`,
      [this.version, this.statementIndex],
    );
    if (rows.length === 0) return null;
    const r = rows[0];
    return {
      checksum: r.checksum,
      lastKey: r.last_key,
      keysDone: Number(r.keys_done),
      rowsDone: Number(r.rows_done),
      total: Number(r.total),
      batches: r.batches,
      done: r.done,
      elapsedMs: Number(r.elapsed_ms),
      maxBatchMs: r.max_batch_ms,
      throttledMs: Number(r.throttled_ms),
    };
  }

  async save(client: ClientBase, s: BackfillState): Promise<void> {
    await client.query(
      `INSERT INTO ${PROGRESS_TABLE} AS p (version, statement_index, checksum, key_column, last_key, keys_done, rows_done, total,
         batches, done, elapsed_ms, max_batch_ms, throttled_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (version, statement_index) DO UPDATE SET checksum = EXCLUDED.checksum, last_key = EXCLUDED.last_key,
         keys_done = EXCLUDED.keys_done, rows_done = EXCLUDED.rows_done, total = EXCLUDED.total, batches = EXCLUDED.batches,
         done = EXCLUDED.done, elapsed_ms = EXCLUDED.elapsed_ms, max_batch_ms = EXCLUDED.max_batch_ms,
         throttled_ms = EXCLUDED.throttled_ms, updated_at = now()`,
      [
        this.version,
        this.statementIndex,
        s.checksum,
        this.keyColumn,
        s.lastKey,
        s.keysDone,
        s.rowsDone,
        s.total,
        s.batches,
        s.done,
        Math.round(s.elapsedMs),
        s.maxBatchMs,
        Math.round(s.throttledMs),
      ],
    );
  }
}

export class MemoryProgressStore implements ProgressStore {
  state: BackfillState | null = null;

  async load(): Promise<BackfillState | null> {
    return this.state && { ...this.state };
  }

  async save(_client: ClientBase, state: BackfillState): Promise<void> {
    this.state = { ...state };
  }
}
