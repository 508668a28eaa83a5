/**
 * The rollback plan of one migration: its down script when it has one, else the generated inverse.
 * Either way the up statements are analysed, because a down script restores the schema but not the
 * data a DROP COLUMN or an UPDATE destroyed; those steps are the plan's irreversible ones.
 *
 * Callers: the dry run (validates the plan by the round trip, see ./round-trip.ts) and the deploy
 * (stores `plan.script` in migration_history.rollback_script when it applies the migration).
 */
import type { ParsedMigration } from '../engine/types';
import type { CatalogSnapshot } from '../schema';
import { generateRollback } from './generate';
import { formatStoredScript } from './stored-script';
import type { RollbackPlan, RollbackStep } from './types';

export function rollbackPlanFor(pm: ParsedMigration, before?: CatalogSnapshot | null): RollbackPlan {
  const generated = generateRollback(pm.parsed.statements, before);
  const id = pm.migration.id;
  if (pm.file.down && pm.parsedDown) {
    // The author wrote the inverse; only data destroyed on the way up stays beyond its reach.
    const irreversibleSteps = generated.steps.filter((s) => s.category === 'data-loss');
    const sql = pm.file.down.sql;
    return {
      source: 'down-script',
      sql,
      script: formatStoredScript(id, 'down-script', sql, irreversibleSteps),
      path: pm.file.down.path,
      steps: generated.steps,
      irreversibleSteps,
      verdict: irreversibleSteps.length > 0 ? 'irreversible' : 'reversible',
      summary: summarise('down script', irreversibleSteps, pm.parsedDown.statements.length),
    };
  }
  const irreversibleSteps = generated.steps.filter((s) => s.irreversible);
  const undoable = generated.steps.some((s) => s.category !== 'no-op');
  if (generated.sql === null && irreversibleSteps.length > 0) {
    return {
      source: 'none',
      sql: null,
      script: null,
      path: pm.migration.path,
      steps: generated.steps,
      irreversibleSteps,
      verdict: 'none',
      summary: `no rollback: ${irreversibleSteps.length} irreversible statement(s); restore from the backup`,
    };
  }
  const sql = generated.sql ?? '-- nothing to undo\n';
  const count = generated.steps.filter((s) => s.inverse !== null).length;
  return {
    source: 'generated',
    sql,
    script: formatStoredScript(id, 'generated', sql, irreversibleSteps),
    path: `${pm.migration.path} (generated rollback)`,
    steps: generated.steps,
    irreversibleSteps,
    verdict: irreversibleSteps.length > 0 ? 'irreversible' : 'reversible',
    summary: undoable ? summarise('generated', irreversibleSteps, count) : 'generated: nothing to undo',
  };
}

function summarise(source: string, irreversible: RollbackStep[], statements: number): string {
  const size = `${statements} statement${statements === 1 ? '' : 's'}`;
  if (irreversible.length === 0) return `${source}, reversible (${size})`;
  return `${source} (${size}), ${irreversible.length} irreversible step${irreversible.length === 1 ? '' : 's'}: restore from the backup for those`;
}
