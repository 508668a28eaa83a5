/** What a rule sees and returns. Rules are pure: they read views and return hits. */
import type { ParsedStatement } from '../../parse/parser';
import type { LockEntry, Migration, RewriteEntry, Severity, Statement } from '../../report/types';
import type { Effect, Prediction } from '../catalog';
import type { SchemaState } from '../schema';
import type { Timeouts } from '../timeouts';
import type { TransactionModel, TransactionSpan } from '../transactions';

export interface StatementView {
  index: number;
  parsed: ParsedStatement;
  report: Statement;
  prediction: Prediction;
  /** Locks to reason about: traced ones when the dry run traced this statement, else predicted. */
  locks: LockEntry[];
  /** Rewrites to reason about (traced ones are authoritative when present). */
  rewrites: RewriteEntry[];
  traced: boolean;
  /** Relations this statement touches that were created by the change under review (empty, unused). */
  fresh: ReadonlySet<string>;
  /** The fresh relations that hold rows copied from existing tables (slow to scan, but block nobody). */
  populated: ReadonlySet<string>;
  /** Locks that queue application traffic on pre-existing relations (locking.ts), computed once. */
  trafficLocks: readonly LockEntry[];
  /** The statement's work that grows with table size, in words ("rewrites public.users"), or null. */
  slowWork: string | null;
  /** Timeouts in force before the statement runs. */
  timeouts: Timeouts;
  span: TransactionSpan | undefined;
  inTransactionBlock: boolean;
}

export interface MigrationView {
  migration: Migration;
  statements: StatementView[];
  transactions: TransactionModel;
  pgVersion: number;
  /** Schema after the migration (for rules that need final state). */
  schema: SchemaState;
}

export interface RuleHit {
  message: string;
  /** A safe alternative as concrete SQL (or steps). */
  suggestion: string | null;
  /** Statement the finding points at; null = the migration as a whole. Default: the checked statement. */
  statementIndex?: number | null;
}

export interface Rule {
  id: string;
  severity: Severity;
  /** One line for docs and `drydock rules`. */
  summary: string;
  /** Per statement (new migrations only). Stage rules (./stage-rules.ts) have no check here. */
  check?(statement: StatementView, migration: MigrationView): readonly RuleHit[];
  /**
   * The only statements `check` can fire on, so the analyser skips the others without calling it:
   * statements of one of these parse-node kinds, or with a predicted effect of one of these codes
   * (on any relation, fresh or not). Absent: `check` runs on every statement.
   */
  triggers?: { kinds?: readonly string[]; effects?: readonly string[] };
  /** Once per migration, for findings about several statements (lock windows, transactions). */
  checkMigration?(migration: MigrationView): RuleHit[];
}

/** What a check returns when it does not fire (shared: most checks do not fire). */
export const NO_HITS: readonly RuleHit[] = Object.freeze([]);

/** Effects of the statement on relations that existed before the change (others are harmless). */
export function existingEffects(s: StatementView, codes?: readonly string[]): Effect[] {
  return s.prediction.effects.filter((e) => !s.fresh.has(e.relation) && (!codes || codes.includes(e.code)));
}
