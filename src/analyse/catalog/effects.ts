/** The catalog's output: what one statement does to each relation it touches. */
import type { LockEntry, LockMode, RewriteEntry } from '../../report/types';
import type { Blocks } from './modes';

/**
 * One thing a statement (or ALTER TABLE sub-command) does to one relation. `code` names the
 * operation so rules can match on it without re-reading the parse tree.
 */
export interface Effect {
  code: string;
  relation: string;
  mode: LockMode;
  /** Rewrites the table (new heap + all indexes) or only rebuilds indexes. */
  rewrite?: 'table' | 'index';
  /** Reads every row (validation, index build) while holding `mode`. */
  scan?: boolean;
  column?: string;
  /** Constraint name, for constraint sub-commands. */
  constraint?: string;
  /** Why, in words, for messages (e.g. "varchar(20) → text is binary-coercible"). */
  detail?: string;
  relkind?: string;
}

export interface LockBlocking {
  relation: string;
  mode: LockMode;
  blocks: Blocks;
}

export interface Prediction {
  effects: Effect[];
  /** Strongest predicted mode per pre-existing relation (source "predicted"). */
  locks: LockEntry[];
  rewrites: RewriteEntry[];
  /** Relations read in full while locked. */
  scans: string[];
  blocks: LockBlocking[];
  /** Relations the statement creates (not counted as locked: nobody else can see them yet). */
  created: string[];
  /** True when the statement's effect cannot be known statically (DO blocks, function calls). */
  opaque: boolean;
}

export interface PredictContext {
  pgVersion: number;
  schema: import('../schema').SchemaState;
}
