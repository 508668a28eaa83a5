/** The rollback API's inputs and outputs (docs/rollback.md). */
import type { CatalogSnapshot } from '../schema';
import type { ApplySafetyOptions, BackupRecord, BackupStep, LockingOptions, PitrMarker } from '../deploy/types';

/**
 * What undoing one statement takes:
 *   inverse       — generated SQL undoes it;
 *   no-op         — nothing to undo (a session setting, an IF NOT EXISTS that did nothing, or a
 *                   change to an object a later inverse drops anyway);
 *   data-loss     — it destroys or rewrites data no SQL can bring back: restore from the backup;
 *   not-generated — drydock cannot build the inverse: write a down script.
 */
export type StepCategory = 'inverse' | 'no-op' | 'data-loss' | 'not-generated';

export interface RollbackStep {
  /** Index of the up statement this step undoes. */
  statementIndex: number;
  /** 1-based line of that statement in its file. */
  line: number;
  /** The SQL that undoes it (several statements joined by ";\n"), or null. */
  inverse: string | null;
  /** True for data-loss and not-generated steps: a rollback refuses them without --force. */
  irreversible: boolean;
  category: StepCategory;
  /** Why, in words: "ADD COLUMN → DROP COLUMN", "DROP COLUMN destroys the column's data…". */
  reason: string;
}

export interface GeneratedRollback {
  /** The inverses in reverse statement order, one statement per line group; null when there are none. */
  sql: string | null;
  /** One step per up statement, in reverse order (the order the inverses run). */
  steps: RollbackStep[];
  /** True when no step is irreversible. */
  reversible: boolean;
}

export type RollbackSource = 'down-script' | 'generated' | 'none';

/**
 * reversible   — the script undoes the migration, schema and data;
 * irreversible — some statement destroys data or has no inverse: the script (if any) undoes the
 *                rest, the backup or PITR brings back the remainder;
 * none         — no down script and nothing could be generated.
 */
export type RollbackVerdict = 'reversible' | 'irreversible' | 'none';

export interface RollbackPlan {
  source: RollbackSource;
  /** The executable rollback SQL, or null when there is none. */
  sql: string | null;
  /** What the deploy stores in migration_history.rollback_script: sql with drydock's header comments. */
  script: string | null;
  /** Where error positions point: the down file, or "<up path> (generated rollback)". */
  path: string;
  /** The analysis of every up statement (for a down script too: it says what data a rollback cannot bring back). */
  steps: RollbackStep[];
  irreversibleSteps: RollbackStep[];
  verdict: RollbackVerdict;
  /** One line for reports: "generated, reversible (4 statements)". */
  summary: string;
}

export interface RollbackOptions extends LockingOptions, ApplySafetyOptions {
  /** Roll back every migration applied after this version (the version itself stays applied). */
  to?: string;
  /** Roll back the N most recently applied migrations. */
  steps?: number;
  /** Show what would run, change nothing (no lock, no backup). */
  dryRun?: boolean;
  /** Run past irreversible steps; needs `reason`. */
  force?: boolean;
  reason?: string;
  /** Backup before anything changes, like deploy: a BackupStep or 'none'. Required unless dryRun. */
  backup?: BackupStep | 'none';
  /**
   * The migration files, optional. Used only for a migration whose history row stores no rollback
   * script, and only when its file is unchanged since it was applied (same checksum).
   */
  migrations?: import('../engine/types').ParsedMigration[];
  /** Identifies this run in the history (e.g. the GitHub run id); generated when absent. */
  deployId?: string;
}

export type RollbackOutcome = 'rolled-back' | 'preview' | 'nothing-to-roll-back' | 'refused' | 'lock-timeout' | 'failed';

export interface RollbackTarget {
  version: string;
  description: string;
  path: string | null;
  /** id of the history row that applied it. */
  appliedRowId: number;
  appliedAt: string;
  deployId: string | null;
  /** 'stored': migration_history.rollback_script; 'file': generated/down from the unchanged file; 'none'. */
  scriptSource: 'stored' | 'file' | 'none';
  script: string | null;
  /** Irreversibility notes carried by the script (or why there is no script). */
  irreversible: string[];
  status: 'pending' | 'rolled-back' | 'failed' | 'not-run';
  durationMs: number | null;
  error: string | null;
}

export interface RollbackResult {
  outcome: RollbackOutcome;
  /** 0 rolled back, previewed or nothing to do; 1 otherwise. */
  exitCode: number;
  rollbackId: string;
  targets: RollbackTarget[];
  backup: BackupRecord | null;
  pitr: PitrMarker | null;
  /** Why it was refused, when it was. */
  refusal: string | null;
  /** Markdown entry for the changelog (PR comment / step summary), also for previews. */
  changelog: string;
  /** Printable report. */
  summary: string;
  durationMs: number;
}

export interface RecoveryPlanOptions {
  databaseUrl: string;
  deployId: string;
}

export type { CatalogSnapshot };
