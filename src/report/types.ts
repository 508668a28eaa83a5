/**
 * The JSON report: the contract between drydock's stages and its users (docs/report.md).
 * Discovery and parsing create it; analysis, the dry run and the estimator fill the fields
 * that start empty (empty arrays or null); the renderers only read it.
 */

export type LayoutName =
  | 'plain'
  | 'prisma'
  | 'flyway'
  | 'golang-migrate'
  | 'dbmate'
  | 'diesel'
  | 'sqitch'
  | 'supabase';

export const LAYOUT_NAMES: readonly LayoutName[] = [
  'plain',
  'prisma',
  'flyway',
  'golang-migrate',
  'dbmate',
  'diesel',
  'sqitch',
  'supabase',
];

export type Severity = 'info' | 'warning' | 'error';
export const SEVERITIES: readonly Severity[] = ['info', 'warning', 'error'];

/** pg_locks mode names, weakest first. */
export type LockMode =
  | 'AccessShareLock'
  | 'RowShareLock'
  | 'RowExclusiveLock'
  | 'ShareUpdateExclusiveLock'
  | 'ShareLock'
  | 'ShareRowExclusiveLock'
  | 'ExclusiveLock'
  | 'AccessExclusiveLock';

export const LOCK_MODES: readonly LockMode[] = [
  'AccessShareLock',
  'RowShareLock',
  'RowExclusiveLock',
  'ShareUpdateExclusiveLock',
  'ShareLock',
  'ShareRowExclusiveLock',
  'ExclusiveLock',
  'AccessExclusiveLock',
];

export interface LockEntry {
  /** Schema-qualified relation name, e.g. "public.users". */
  relation: string;
  mode: LockMode;
  /** "predicted" by the static catalog, or "traced" from pg_locks in the dry run. */
  source: 'predicted' | 'traced';
  /** Relation kind when known: table, index, sequence, view, materialized view… */
  relkind?: string;
  /** The statement created this relation: the lock is invisible to other sessions and blocks nobody. */
  created?: boolean;
}

export interface RewriteEntry {
  relation: string;
  /** "table" or "index". */
  kind: string;
  source: 'predicted' | 'traced';
}

export interface Finding {
  rule: string;
  severity: Severity;
  message: string;
  /** A safe alternative, as concrete SQL or steps. */
  suggestion: string | null;
  /** Stable id for acknowledgements: rule + migration + statement index. */
  id?: string;
  /** Where the finding points (defaults to the statement's own position). */
  path?: string;
  line?: number;
  column?: number;
  /** Set when an inline drydock:ignore or an acknowledgement silenced it. */
  suppressed?: { by: 'ignore' | 'ack'; reason: string; actor?: string };
}

export interface Statement {
  /** 0-based position within the migration. */
  index: number;
  /** 1-based line and column of the statement's first character in its file. */
  line: number;
  column: number;
  endLine: number;
  sql: string;
  /** The libpg-query parse-node name, e.g. "AlterTableStmt". */
  kind: string;
  /** True when Postgres refuses to run it inside a transaction block. */
  nonTransactional: boolean;
  /** True for explicit transaction control the file carries itself (BEGIN, COMMIT…). */
  transactionControl: boolean;
  locks: LockEntry[];
  rewrites: RewriteEntry[];
  durationMs: number | null;
  findings: Finding[];
  /** Filled by the dry run (docs/dry-run.md). The relation scanned with the most tuples read, if any. */
  scan?: ScanTrace | null;
  /** Every sequential scan the statement made (scan is the largest of these). */
  scans?: ScanTrace[] | null;
  rows?: number | null;
  walBytes?: number | null;
  timeouts?: { lockTimeout: string; statementTimeout: string } | null;
  error?: ServerError | null;
  estimate?: Estimate | null;
  /** A drydock:batch backfill (docs/data-migrations.md): the dry run traced one batch of it. */
  batch?: BatchTrace | null;
  /** For a TypeScript/JavaScript migration: the call site (file:line) in the module that sent it. */
  origin?: { path: string; line: number; column: number } | null;
}

export interface BatchTrace {
  key: string;
  size: number;
  pauseMs: number;
  /** Keys in the dry-run table, and the batches they make. */
  totalRows: number;
  batches: number;
  /** The first batch's SQL, as traced: the statement with the key range AND-ed onto its WHERE. */
  batchSql: string;
  /** The traced batch: keys walked, rows changed, time (its row-lock window). */
  tracedKeys: number;
  tracedRows: number;
  tracedBatchMs: number;
  /** Whole backfill at the dry-run size: batches × batch time + pauses. */
  estimatedTotalMs: number;
}

export interface ScanTrace {
  relation: string;
  seqScans: number;
  tuplesRead: number;
}

export interface ServerError {
  message: string;
  code?: string;
  detail?: string;
  hint?: string;
  path: string;
  line: number;
  column: number;
}

export interface Estimate {
  ms: number;
  lowMs: number;
  highMs: number;
  class: string;
  basis: string;
}

export type Direction = 'up' | 'down' | 'repeatable';

export interface Migration {
  /** Version or name as the layout defines it; unique per layout and direction. */
  id: string;
  /** Human description taken from the file name, if any. */
  description: string;
  /** Path relative to the repository (or working directory). */
  path: string;
  layout: LayoutName;
  direction: Direction;
  /** Whether the runner (and drydock) wraps the migration in one transaction. */
  transactional: boolean;
  /** Why `transactional` has its value: "default", or the directive that changed it. */
  transactionSource: string;
  /** sha256 of the content with CRLF normalised to LF. */
  checksum: string;
  /** Path of the paired down script, if any. */
  downPath: string | null;
  /** True when the migration is new in this change (see --base). */
  isNew: boolean;
  statements: Statement[];
  /** Findings about the migration as a whole (layout, transaction mixing, integrity). */
  findings: Finding[];
  /** Filled by the dry run's down round trip. */
  roundTrip?: RoundTrip | null;
  /** The way back, validated by the round trip: a written down script or a generated one. */
  rollback?: RollbackSummary | null;
  lockWindows?: LockWindow[];
  /** Data checks (verify SQL) run after the migration in the dry run. */
  checks?: { path: string; line: number; sql: string; ok: boolean; message: string | null }[];
}

export interface LockWindow {
  relation: string;
  mode: LockMode;
  /** Statement index that acquired the lock. */
  acquiredAt: number;
  /** Statement index that ended the transaction, or null for the implicit end of the migration. */
  releasedAt: number | null;
  /** Statement indexes executed while the lock was held (after acquisition). */
  heldDuring: number[];
  holdMs: number | null;
  estimatedHoldMs?: number | null;
}

export interface RoundTrip {
  status: 'ok' | 'differs' | 'failed' | 'skipped';
  diff: string[];
  error?: string;
}

export interface RollbackSummary {
  source: 'down-script' | 'generated' | 'none';
  verdict: 'reversible' | 'irreversible' | 'none';
  /** One line, e.g. "generated, reversible (4 statements)". */
  summary: string;
  /** The statements a rollback cannot undo (their data needs the backup). */
  irreversible: string[];
  /** The rollback SQL (written or generated), when there is one. */
  sql: string | null;
}

export interface IntegrityIssue {
  kind: 'modified' | 'deleted';
  path: string;
  message: string;
}

export interface Report {
  version: 1;
  tool: { name: 'drydock'; version: string };
  generatedAt: string;
  /** Directories scanned and the layout found in each. */
  sources: { dir: string; layout: LayoutName; migrations: number }[];
  base: string | null;
  mode: 'static' | 'dry-run';
  server: { version: string; versionNum: number; provider: string } | null;
  migrations: Migration[];
  integrity: IntegrityIssue[];
  summary: ReportSummary;
}

export interface ReportSummary {
  migrations: number;
  newMigrations: number;
  statements: number;
  findings: Record<Severity, number>;
  /** Highest unsuppressed severity, or "none". */
  worst: Severity | 'none';
}
