/**
 * Findings raised by the stages after static analysis: the dry run, the rollback round trip, the
 * estimator and data checks. They are registered like the static rules so that config can turn
 * them off or change their severity, `-- drydock:ignore` can name them, and each has a doc page.
 * They have no check of their own here: the stage that measures the fact raises the finding.
 */
import type { Rule } from './types';

function stageRule(id: string, severity: Rule['severity'], summary: string): Rule {
  return { id, severity, summary };
}

export const STAGE_RULES: readonly Rule[] = [
  stageRule('dry-run-error', 'error', 'The statement failed when the dry run executed it on PostgreSQL.'),
  stageRule('invalid-index', 'error', 'A failed concurrent index build left an INVALID index behind.'),
  stageRule('down-round-trip', 'error', 'Up, then the down script, does not bring the schema back to where it started.'),
  stageRule('down-script-parse-error', 'error', 'The down script does not parse, so it cannot undo the migration.'),
  stageRule('rollback-irreversible', 'warning', 'The migration destroys data a rollback cannot bring back: only the backup can.'),
  stageRule('generated-rollback', 'warning', 'The rollback drydock generated for a migration without a down script failed or did not restore the schema.'),
  stageRule('lock-hold-time', 'warning', 'A lock that blocks application queries is held longer than the threshold at production size.'),
  stageRule('long-migration', 'warning', 'The migration is estimated to run longer than the threshold at production size.'),
  stageRule('wal-volume', 'warning', 'The migration writes more WAL than max_wal_size: forced checkpoints and replica lag.'),
  stageRule('estimate-unavailable', 'warning', 'No production duration could be calibrated for a statement whose duration grows with the table.'),
  stageRule('runtime-sql', 'info', "A TypeScript/JavaScript migration's SQL is only known at run time; the dry run traces it."),
  stageRule('data-check-failed', 'error', "A data check (.verify.sql or -- drydock:verify) failed after the migration."),
];
