/**
 * Deploying a TypeScript/JavaScript migration: like a SQL migration in a transaction — BEGIN with
 * the deploy's timeouts, up(db) sending its queries on the deploy session, the data checks, the
 * history row, COMMIT — retried as a whole on lock timeouts. Before the commit, down(db) runs inside
 * a savepoint that is rolled back, which records the exact SQL that undoes this up on this database;
 * that SQL is stored as the migration's rollback script (drydock rollback runs it, without the module).
 */
import { insertHistory } from '../deploy/history';
import type { ParsedMigration } from '../engine/types';
import type { ApplyContext } from '../apply/context';
import { describeApplyError, toApplyError } from '../apply/errors';
import { historyFields, result, round } from '../apply/record';
import { timeoutSql, withRetries } from '../apply/retry';
import type { ApplyError, MigrationApplyResult, StatementTiming } from '../apply/types';
import { rollbackPlanFor } from '../rollback/plan';
import { lineInFile, loadCodeMigration } from './code-migration';
import { parseRecorded, recordedText } from './code-statements';
import { RecordedQuery, recordingDb } from './db';
import { CheckFailedError, CheckOutcome, firstFailure, runChecks } from './verify';

export async function applyCodeMigration(ctx: ApplyContext, pm: ParsedMigration, label: string): Promise<MigrationApplyResult> {
  const { client, settings } = ctx;
  const module = loadCodeMigration(pm.file.absPath, pm.file.path);
  const started = Date.now();
  let timings: StatementTiming[] = [];
  let checks: CheckOutcome[] = [];
  const outcome = await withRetries(ctx, label, async () => {
    await client.query(`BEGIN; SET LOCAL lock_timeout = ${timeoutSql(settings.lockTimeoutMs)}; SET LOCAL statement_timeout = ${timeoutSql(settings.statementTimeoutMs)}`);
    try {
      const up: RecordedQuery[] = [];
      await module.up(recordingDb(client, pm.file.absPath, up));
      timings = up.map((q, index) => ({ index, line: q.line, kind: 'query', durationMs: round(q.durationMs), attempts: 1 }));
      checks = await runChecks(client, pm);
      const failed = firstFailure(checks);
      if (failed) throw new CheckFailedError(failed);
      const rollbackScript = module.down ? await recordDown(ctx, pm, module.down, up) : null;
      await insertHistory(client, {
        ...historyFields(ctx, pm),
        rollbackScript: rollbackScript ?? ctx.record.rollbackScript,
        status: 'applied',
        durationMs: Date.now() - started,
        statementTimings: timings,
        statementsDone: timings.length,
      });
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
  const attempts = outcome.retries + 1;
  timings = timings.map((t) => ({ ...t, attempts }));
  if (outcome.ok) return { ...result(pm, 'applied', Date.now() - started, null, timings, [], outcome.retries, 'code'), checks };
  const error = failureOf(outcome.error, pm);
  await insertHistory(client, { ...historyFields(ctx, pm), status: 'failed', durationMs: Date.now() - started, statementsDone: 0, error: describeApplyError(error) });
  return { ...result(pm, 'failed', Date.now() - started, null, timings, [], outcome.retries, 'code'), error, checks };
}

/** down(db) in a savepoint rolled back at once: the SQL it sent, as the stored rollback script. */
async function recordDown(ctx: ApplyContext, pm: ParsedMigration, down: NonNullable<ReturnType<typeof loadCodeMigration>['down']>, up: RecordedQuery[]): Promise<string | null> {
  const recorded: RecordedQuery[] = [];
  await ctx.client.query('SAVEPOINT drydock_record_down');
  try {
    await down(recordingDb(ctx.client, pm.file.absPath, recorded));
  } finally {
    await ctx.client.query('ROLLBACK TO SAVEPOINT drydock_record_down');
  }
  if (recorded.length === 0) return null;
  attachRecorded(pm, up, recorded);
  return rollbackPlanFor(pm).script;
}

/** What ran becomes the migration's statements and down script, for the rollback plan and reports. */
export function attachRecorded(pm: ParsedMigration, up: RecordedQuery[], down: RecordedQuery[] | null): void {
  if (up.length > 0) pm.parsed = parseRecorded(up, pm.file.path);
  if (down && down.length > 0) {
    pm.parsedDown = parseRecorded(down, pm.file.path);
    pm.file.down = { path: pm.file.path, absPath: pm.file.absPath, sql: recordedText(down), sqlStartLine: 1 };
  }
}

function failureOf(error: unknown, pm: ParsedMigration): ApplyError {
  if (error instanceof CheckFailedError) {
    return { message: error.message, path: error.check.path, line: error.check.line, statementIndex: -1, committedStatements: 0 };
  }
  const applyError = toApplyError(error, pm, null, 0);
  // A query that failed (its call site), or the module's own throw (its stack).
  const line = (error as { callSite?: { line: number } })?.callSite?.line ?? lineInFile(error as Error, pm.file.absPath);
  return { ...applyError, line: line ?? applyError.line };
}
