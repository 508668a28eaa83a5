/** The deploy API's inputs and outputs (docs/deploy.md). */
import type { ParsedMigration } from '../engine/types';
import type { LayoutName } from '../report/types';
import type { MigrationApplyResult } from '../apply/types';
import type { VerifyOptions, VerifyResult } from '../verify/types';

/** A duration: milliseconds, or a string such as "500ms", "5s", "2min", "1h". */
export type DurationInput = number | string;

/** A point-in-time-recovery marker: restore to just before the deploy changed anything. */
export interface PitrMarker {
  /** pg_current_wal_lsn(), e.g. "0/1A2B3C4D". */
  lsn: string;
  /** ISO 8601 server time. */
  time: string;
}

/**
 * What deploy needs from a verified backup. The S3 module's BackupRecord (src/deploy/backup) has
 * these fields and more; deploy keeps the whole object it is given.
 */
export interface BackupRecord {
  /** s3://bucket/key */
  location: string;
  sha256: string;
  bytes: number;
  pitr?: PitrMarker | null;
}

/** The backup step deploy runs before applying anything (see ./backup-step.ts for the S3 one). */
export interface BackupStep {
  /** Shown in the report, e.g. "s3". */
  name: string;
  run(context: { databaseUrl: string; log: (line: string) => void }): Promise<BackupRecord>;
}

export type CheckStatus = 'pass' | 'warn' | 'fail';

/** One line of the pre-flight section of the deploy report. */
export interface PreflightLine {
  check: string;
  status: CheckStatus;
  message: string;
  /** What to do about a warn or fail. */
  fix?: string;
}

export interface ConnectionOptions {
  /** Direct (unpooled) connection: the deploy lock is a session advisory lock. */
  databaseUrl: string;
  /** Progress lines; every line is redacted first. */
  log?: (line: string) => void;
}

export interface LockingOptions extends ConnectionOptions {
  /** Who runs it (the GitHub actor); stored as applied_by and shown as the lock holder. */
  actor?: string;
  /** How long to wait for another deploy to finish. Default "5min". */
  lockWaitLimit?: DurationInput;
}

/** How statements are applied safely; shared by deploy and rollback. */
export interface ApplySafetyOptions {
  /** lock_timeout for every migration statement. Default "2s". */
  lockTimeout?: DurationInput;
  /** statement_timeout for every statement except non-transactional concurrent builds. Default "30min". */
  statementTimeout?: DurationInput;
  /** statement_timeout for CREATE INDEX CONCURRENTLY and the other non-transactional statements. Default 0 (none). */
  concurrentStatementTimeout?: DurationInput;
  /** Attempts after the first when a lock is not granted or the watchdog cancels. Default 5. */
  retries?: number;
  /** First retry delay; doubles each time, with jitter, up to retryMaxDelay. Defaults "1s" and "30s". */
  retryDelay?: DurationInput;
  retryMaxDelay?: DurationInput;
  /** Cancel the migration's statement when application queries queue behind it longer than this. Default "5s"; 0 disables. */
  watchdogBound?: DurationInput;
  /** How often the watchdog looks. Default "250ms". */
  watchdogInterval?: DurationInput;
}

export interface DeployOptions extends LockingOptions, ApplySafetyOptions {
  /**
   * Up (and repeatable) migrations in apply order; down scripts are ignored. When absent they are
   * discovered and parsed from cwd/dirs/layout (the Action's request).
   */
  migrations?: ParsedMigration[];
  cwd?: string;
  dirs?: string[];
  layout?: LayoutName;
  /** Required: a backup step, or 'none' to deploy without a backup. */
  backup: BackupStep | 'none';
  /** Refuse when rewrites predicted by the dry run need more than this many bytes. */
  rewriteDiskLimitBytes?: number;
  /** Warn when a session on an affected table has been in a transaction longer than this. Default "1min". */
  longTransactionLimit?: DurationInput;
  /** Fail when a replica lags more than this. Default "5min"; warn above a tenth of it. */
  replicationLagLimit?: DurationInput;
  /** After applying, compare the target's catalog with the dry run's (see src/verify). */
  verify?: VerifyOptions;
  /** Identifies this run in the history (e.g. the GitHub run id); generated when absent. */
  deployId?: string;
}

export type DeployOutcome =
  /** Every pending migration applied. */
  | 'applied'
  /** Nothing was pending. */
  | 'up-to-date'
  /** A pre-flight check failed; nothing was applied. */
  | 'refused'
  /** Another deploy held the lock past the wait limit; nothing was applied. */
  | 'lock-timeout'
  /** A migration failed; see its result. */
  | 'failed'
  /** Everything applied, but the catalog drifted from the dry run or a verify script failed. */
  | 'verify-failed';

export interface DeployResult {
  outcome: DeployOutcome;
  /** 0 applied or up to date; 1 otherwise. */
  exitCode: number;
  preflight: PreflightLine[];
  migrations: MigrationApplyResult[];
  backup: BackupRecord | null;
  pitr: PitrMarker | null;
  verify: VerifyResult | null;
  deployId: string;
  durationMs: number;
  /** Printable report: pre-flight lines, per-migration lines, backup and PITR marker. */
  summary: string;
}

/** One row of drydock.migration_history. */
export interface HistoryRow {
  id: number;
  version: string;
  description: string;
  path: string | null;
  checksum: string | null;
  status: HistoryStatus;
  /** True for a failed non-transactional migration: later deploys refuse until `drydock resolve`. */
  blocksDeploy: boolean;
  appliedAt: string;
  appliedBy: string;
  durationMs: number | null;
  error: string | null;
  cleanup: string | null;
  source: string;
  deployId: string | null;
}

export type HistoryStatus = 'running' | 'applied' | 'failed' | 'baseline' | 'imported' | 'resolved' | 'rolled_back';

export interface LockHolder {
  holder: string;
  pid: number;
  since: string;
  deployId: string | null;
}

export interface StatusOptions extends ConnectionOptions {
  /** When given, pending migrations and edited applied ones are listed too. */
  migrations?: ParsedMigration[];
}

export interface StatusResult {
  applied: HistoryRow[];
  pending: { version: string; path: string }[];
  failed: HistoryRow[];
  /** Applied migrations whose file changed since. */
  edited: { version: string; path: string }[];
  lock: LockHolder | null;
  summary: string;
}

export interface BaselineOptions extends LockingOptions {
  /** Every migration up to and including this version is recorded as applied without running it. */
  to: string;
  migrations: ParsedMigration[];
}

export type ForeignTool = 'prisma' | 'flyway' | 'golang-migrate' | 'dbmate' | 'diesel';

export interface ImportOptions extends LockingOptions {
  /** Which runner's history to read; 'auto' picks the one table present. */
  from: ForeignTool | 'auto';
  migrations: ParsedMigration[];
  /** Override the history table name (schema-qualified allowed), e.g. a custom Flyway table. */
  table?: string;
}

export interface AdoptionResult {
  /** Versions newly recorded as applied. */
  recorded: string[];
  /** Versions that were already in drydock's history. */
  skipped: string[];
  source: string;
  summary: string;
}

export interface ResolveOptions extends LockingOptions {
  version: string;
  /**
   * 'applied': the failed migration's effect was completed by hand; record it as applied.
   * 'rolled-back': its partial effect was cleaned up; the next deploy runs it again.
   */
  as: 'applied' | 'rolled-back';
  migrations?: ParsedMigration[];
}

export interface ResolveResult {
  version: string;
  as: 'applied' | 'rolled-back';
  summary: string;
}
