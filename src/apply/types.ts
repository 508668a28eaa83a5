/** Inputs and outputs of applying one migration (src/apply). */

export interface ApplySettings {
  lockTimeoutMs: number;
  statementTimeoutMs: number;
  concurrentStatementTimeoutMs: number;
  retries: number;
  retryDelayMs: number;
  retryMaxDelayMs: number;
  /** 0 disables the watchdog. */
  watchdogBoundMs: number;
  watchdogIntervalMs: number;
}

export interface StatementTiming {
  index: number;
  line: number;
  kind: string;
  durationMs: number;
  /** Attempts it took (1 = first try). */
  attempts: number;
}

export interface TableSize {
  relation: string;
  /** pg_total_relation_size; null when the table does not exist (yet, or any more). */
  beforeBytes: number | null;
  afterBytes: number | null;
}

export type MigrationApplyStatus = 'applied' | 'failed' | 'skipped';

export interface MigrationApplyResult {
  version: string;
  description: string;
  path: string;
  status: MigrationApplyStatus;
  /** "transaction" (one transaction), "statements" (autocommit, one by one) or "script" (the file's own BEGIN/COMMIT). */
  mode: ApplyMode;
  durationMs: number;
  /** Cluster-wide WAL written while it ran (pg_wal_lsn_diff). */
  walBytes: number | null;
  statements: StatementTiming[];
  sizes: TableSize[];
  /** Lock-not-granted and watchdog retries, over all statements. */
  retries: number;
  error: ApplyError | null;
  /** For a failed non-transactional migration: what to clean up before `drydock resolve`. */
  cleanup: string[];
  /** A batched backfill's run (src/data): batches, progress, lock waits observed. */
  backfill?: import('../data/executor').BackfillResult | null;
  /** Verify checks run before commit (src/data/verify.ts). */
  checks?: import('../data/verify').CheckOutcome[];
}

/** Also "batched" (a drydock:batch backfill, src/data) and "code" (a TypeScript/JavaScript migration). */
export type ApplyMode = 'transaction' | 'statements' | 'script' | 'batched' | 'code';

export interface ApplyError {
  message: string;
  code?: string;
  path: string;
  line: number;
  statementIndex: number;
  /** Statements that committed before the failure (non-transactional only). */
  committedStatements: number;
}
