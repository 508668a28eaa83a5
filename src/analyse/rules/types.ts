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
  fresh: Set<string>;
  /** The fresh relations that hold rows copied from existing tables (slow to scan, but block nobody). */
  populated: Set<string>;
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
  /** Per statement (new migrations only). */
  check?(statement: StatementView, migration: MigrationView): RuleHit[];
  /** Once per migration, for findings about several statements (lock windows, transactions). */
  checkMigration?(migration: MigrationView): RuleHit[];
}

/** Effects of the statement on relations that existed before the change (others are harmless). */
export function existingEffects(s: StatementView, codes?: readonly string[]): Effect[] {
  return s.prediction.effects.filter((e) => !s.fresh.has(e.relation) && (!codes || codes.includes(e.code)));
}
