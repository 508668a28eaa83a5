/**
 * The production statistics snapshot (`drydock snapshot --out stats.json`): catalog statistics
 * only, never row data. The estimator reads it in PR checks, which therefore need no production
 * credentials (docs/estimates.md).
 */

export const SNAPSHOT_FORMAT = 'drydock-stats/1';

export interface StatsSnapshot {
  format: typeof SNAPSHOT_FORMAT;
  /** ISO time the snapshot was taken. */
  takenAt: string;
  server: ServerStats;
  tables: TableStats[];
  /** Read/write rates from two samples of pg_stat_user_tables, when requested. */
  workload: WorkloadSample | null;
  /** Things the snapshot could not see (e.g. column statistics hidden by privileges). */
  notes: string[];
}

export interface ServerStats {
  version: string;
  versionNum: number;
  blockSize: number;
  maintenanceWorkMemBytes: number;
  maxParallelMaintenanceWorkers: number;
  maxParallelWorkers: number;
  maxWalSizeBytes: number;
  /** Other cost-relevant settings as the server reports them (wal_level, jit, shared_buffers…). */
  settings: Record<string, string>;
}

export interface TableStats {
  /** Schema-qualified, unquoted: "public.users". */
  name: string;
  /** "table" or "partitioned table". */
  kind: string;
  /** pg_class.reltuples; -1 when never analyzed (PostgreSQL 14+). */
  reltuples: number;
  relpages: number;
  heapBytes: number;
  toastBytes: number;
  indexBytes: number;
  indexes: IndexStats[];
  columns: ColumnStats[];
}

export interface IndexStats {
  name: string;
  definition: string;
  bytes: number;
  unique: boolean;
  primary: boolean;
  valid: boolean;
}

export interface ColumnStats {
  name: string;
  /** format_type() of the column, e.g. "integer", "character varying(40)". */
  type: string;
  notNull: boolean;
  /** pg_stats figures; null when the column has no statistics visible to the snapshot role. */
  avgWidth: number | null;
  nullFrac: number | null;
  /** pg_stats semantics: > 0 a count, < 0 a fraction of the rows (−1 = all distinct). */
  nDistinct: number | null;
}

export interface WorkloadSample {
  intervalSeconds: number;
  tables: TableRates[];
}

export interface TableRates {
  name: string;
  /** Sequential plus index scans started per second: a proxy for read queries per second. */
  readsPerSecond: number;
  /** Rows inserted, updated or deleted per second: an upper bound for write statements per second. */
  writesPerSecond: number;
}
