/** Inputs and outputs of the production-size estimator (docs/estimates.md). */
import type { EphemeralServer } from '../dryrun/providers';
import type { StatsSnapshot } from '../snapshot/types';

/** Operation classes of estimation.md §3, decided from the dry-run trace. */
export type OperationClass =
  | 'metadata'
  | 'validation-scan'
  | 'fk-validation'
  | 'index-build'
  | 'concurrent-index-build'
  | 'table-rewrite'
  | 'dml-backfill';

export const OPERATION_CLASSES: readonly OperationClass[] = [
  'metadata',
  'validation-scan',
  'fk-validation',
  'index-build',
  'concurrent-index-build',
  'table-rewrite',
  'dml-backfill',
];

export interface HardwareFactor {
  /** Production is at most this much faster than the CI runner (× on the estimate). */
  low: number;
  /** …and at most this much slower. */
  high: number;
}

/** Pass/warn/fail limits in milliseconds; a value above `warnMs` warns, above `errorMs` fails. */
export interface Limit {
  warnMs: number;
  errorMs: number;
}

export interface Thresholds {
  /** ACCESS EXCLUSIVE held (all reads and writes blocked). */
  accessExclusiveHold: Limit;
  /** SHARE / SHARE ROW EXCLUSIVE / EXCLUSIVE held, or row locks on every row (writes blocked). */
  writeBlockingHold: Limit;
  /** Whole migration. */
  migrationTotal: Limit;
  /** CREATE INDEX CONCURRENTLY and friends. */
  concurrentIndex: Limit;
}

export interface EstimateOptions {
  /** Server on which calibration databases are created (never the traced database itself). */
  server: EphemeralServer;
  stats: StatsSnapshot | null;
  /** Database on `server` holding the pre-migration schema; calibration copies it as a template. */
  baseSchemaDatabase?: string;
  /** Total calibration time budget (default 60 000 ms). */
  budgetMs?: number;
  hardwareFactor?: HardwareFactor;
  thresholds?: Partial<Thresholds>;
  /** Synthetic table sizes in rows (default 10k, 30k, 100k), capped at the production size. */
  calibrationSizes?: number[];
  log?: (line: string) => void;
}

export interface MigrationEstimate {
  id: string;
  path: string;
  ms: number;
  lowMs: number;
  highMs: number;
}

export interface EstimateSummary {
  /** "production" when a stats snapshot was given, else "ci-only" (no production numbers). */
  basis: 'production' | 'ci-only';
  statsTakenAt: string | null;
  hardwareFactor: HardwareFactor;
  budgetMs: number;
  calibrationMs: number;
  /** Statements timed on synthetic data / statements estimated. */
  calibratedStatements: number;
  estimatedStatements: number;
  migrations: MigrationEstimate[];
  /** Caveats worth showing once (budget exhausted, stats hidden, no lock_timeout…). */
  notes: string[];
}
