/**
 * Validating a migration's rollback in the dry run: with the catalog taken before the up script,
 * run the rollback (the down script, or the generated one), compare the catalog, then run up again
 * so later migrations see the schema they expect. A down script goes through the dry run's own
 * round trip; a generated script through the same steps here.
 */
import type { ClientBase } from 'pg';
import { replayScript } from '../dryrun/replay';
import { runRoundTrip } from '../dryrun/round-trip';
import { Script, upScript } from '../dryrun/script';
import type { ParsedMigration } from '../engine/types';
import { parseSql, SourceText } from '../parse/parser';
import type { Finding, RoundTrip, ServerError } from '../report/types';
import { CatalogSnapshot, diffCatalogs, snapshotCatalog } from '../schema';
import { formatPosition } from '../util/errors';
import { rollbackPlanFor } from './plan';
import { describeStep } from './stored-script';
import type { RollbackPlan } from './types';

const MESSAGE_DIFF_LINES = 10;

export interface ValidatedRollback {
  plan: RollbackPlan;
  roundTrip: RoundTrip;
}

/**
 * Call right after the migration's up script ran, with the snapshot taken just before it. Fills
 * `m.migration.findings` with what the PR must see; returns the plan and the round trip's outcome.
 */
export async function validateRollback(client: ClientBase, m: ParsedMigration, before: CatalogSnapshot): Promise<ValidatedRollback> {
  const plan = rollbackPlanFor(m, before);
  if (plan.irreversibleSteps.length > 0) m.migration.findings.push(irreversibleFinding(m, plan));
  if (plan.source === 'down-script') return { plan, roundTrip: await runRoundTrip(client, m, before) };
  if (plan.source === 'none' || plan.irreversibleSteps.length > 0) {
    // Undoing part of it would leave a diff by design; the finding above names what needs the backup.
    return { plan, roundTrip: { status: 'skipped', diff: [], error: plan.summary } };
  }
  return { plan, roundTrip: await generatedRoundTrip(client, m, plan, before) };
}

/** The generated SQL as a script the dry run's replay runs (statement by statement when it must). */
export function rollbackScript(plan: RollbackPlan): Script {
  const sql = plan.sql ?? '';
  const statements = parseSql(sql, plan.path).statements;
  return { path: plan.path, source: new SourceText(sql), statements, transactional: !statements.some((s) => s.nonTransactional) };
}

async function generatedRoundTrip(client: ClientBase, m: ParsedMigration, plan: RollbackPlan, before: CatalogSnapshot): Promise<RoundTrip> {
  const script = rollbackScript(plan);
  const rollbackError = await replayScript(client, script);
  if (rollbackError) {
    const error = `generated rollback failed: ${describe(rollbackError)}`;
    m.migration.findings.push(finding(m, `${error}; write a down script`, 'warning'));
    // A failed transactional rollback left the up state in place, which is what later migrations expect.
    return { status: 'failed', diff: [], error };
  }
  const diff = diffCatalogs(before, await snapshotCatalog(client));
  const upError = await replayScript(client, upScript(m));
  if (diff.length > 0) {
    const shown = diff.slice(0, MESSAGE_DIFF_LINES).map((l) => `  ${l}`);
    if (diff.length > MESSAGE_DIFF_LINES) shown.push(`  … ${diff.length - MESSAGE_DIFF_LINES} more`);
    m.migration.findings.push(finding(m, `the generated rollback does not restore the schema the migration started from:\n${shown.join('\n')}`, 'warning'));
  }
  if (upError) {
    const error = `up script failed when run again after the generated rollback: ${describe(upError)}`;
    m.migration.findings.push(finding(m, error, 'error'));
    return { status: 'failed', diff, error };
  }
  return { status: diff.length > 0 ? 'differs' : 'ok', diff };
}

function irreversibleFinding(m: ParsedMigration, plan: RollbackPlan): Finding {
  const steps = plan.irreversibleSteps.map((s) => `  ${describeStep(s)}`).join('\n');
  const what = plan.source === 'down-script' ? 'the down script cannot bring back the data these statements destroy' : 'a rollback cannot undo these statements';
  return {
    rule: 'rollback-irreversible',
    severity: 'warning',
    message: `${what}:\n${steps}`,
    suggestion: 'keep the pre-deploy backup (or PITR) as the way back; `drydock rollback` refuses these steps without --force --reason',
    path: m.migration.path,
    line: plan.irreversibleSteps[plan.irreversibleSteps.length - 1].line,
  };
}

function finding(m: ParsedMigration, message: string, severity: Finding['severity']): Finding {
  return {
    rule: 'generated-rollback',
    severity,
    message,
    suggestion: 'add a down script that undoes the migration exactly (up → down must give back the schema before up)',
    path: m.migration.path,
    line: 1,
  };
}

function describe(e: ServerError): string {
  return `${formatPosition(e)}: ${e.message}${e.detail ? ` (${e.detail})` : ''}`;
}
