/**
 * Changelog entries from parsed migrations: one entry per applied migration, one change per
 * statement that changes the database, each with the way back taken from the migration's rollback
 * plan (src/rollback): the generated inverse, "nothing to undo", or a restore from the backup.
 */
import type { ParsedMigration } from '../engine/types';
import { rollbackPlanFor } from '../rollback/plan';
import type { CatalogSnapshot } from '../schema';
import type { RollbackPlan, RollbackStep } from '../rollback/types';
import { redact } from '../util/secrets';
import { describeStatement } from './describe';
import type { ChangelogChange, ChangelogEntry } from './types';

export const IRREVERSIBLE = 'irreversible: restore from backup';
const NOTHING_TO_UNDO = 'nothing to undo: ';
const DOWN_SCRIPT = 'covered by the down script ';

/** True when `rollback` is SQL to run, false for the prose answers (irreversible, nothing to undo, down script). */
export function rollbackIsSql(rollback: string): boolean {
  return !(rollback === IRREVERSIBLE || rollback.startsWith(NOTHING_TO_UNDO) || rollback.startsWith(DOWN_SCRIPT));
}

/**
 * The entry of one migration. `before` is the catalog from before it ran, when known: it lets
 * inverses that need the old state (an old default, a dropped constraint) be generated too.
 * Needs loadParser() first.
 */
export function changelogEntry(pm: ParsedMigration, date: string, before: CatalogSnapshot | null = null): ChangelogEntry {
  const plan = rollbackPlanFor(pm, before);
  const changes: ChangelogChange[] = [];
  for (const statement of pm.parsed.statements) {
    const described = describeStatement(statement);
    if (!described) continue;
    const step = plan.steps.find((s) => s.statementIndex === statement.index);
    changes.push({
      type: described.type,
      table: described.table,
      description: redact(described.description),
      rollback: redact(rollbackText(step, plan)),
    });
  }
  return { version: pm.migration.id, date, changes };
}

function rollbackText(step: RollbackStep | undefined, plan: RollbackPlan): string {
  if (!step) return IRREVERSIBLE;
  switch (step.category) {
    case 'inverse':
      return step.inverse ?? IRREVERSIBLE;
    case 'no-op':
      return `${NOTHING_TO_UNDO}${step.reason}`;
    case 'not-generated':
      // A down script written by the author undoes what drydock cannot invert; data loss it cannot.
      return plan.source === 'down-script' ? `${DOWN_SCRIPT}${plan.path}` : IRREVERSIBLE;
    case 'data-loss':
      return IRREVERSIBLE;
  }
}
