/**
 * A migration in one transaction, in two round trips: the batch (BEGIN, SET LOCAL timeouts, the
 * statements between server-clock markers, see ./batch.ts), then the history row and COMMIT. A
 * failure rolls everything back; only a `failed` history row with the error is written afterwards.
 */
import { inlinedInsertHistory, insertHistory } from '../deploy/history';
import type { ParsedMigration } from '../engine/types';
import type { ParsedStatement } from '../parse/parser';
import { CheckFailedError, CheckOutcome, firstFailure, runChecks } from '../data/verify';
import { BatchError, buildBatch, runBatch } from './batch';
import type { ApplyContext } from './context';
import { describeApplyError, toApplyError } from './errors';
import { compareMeasurements } from './measure';
import { historyFields, result, round } from './record';
import { relationsOfMigration } from './relations';
import { timeoutSql, withRetries } from './retry';
import type { MigrationApplyResult, StatementTiming } from './types';

export async function applyInTransaction(
  ctx: ApplyContext,
  pm: ParsedMigration,
  statements: ParsedStatement[],
  label: string,
): Promise<MigrationApplyResult> {
  const { client, settings } = ctx;
  const relations = relationsOfMigration(pm);
  const prelude = `BEGIN; SET LOCAL lock_timeout = ${timeoutSql(settings.lockTimeoutMs)}; SET LOCAL statement_timeout = ${timeoutSql(settings.statementTimeoutMs)}`;
  const batch = buildBatch(client, statements, relations, prelude);
  const started = Date.now();
  let timings: StatementTiming[] = [];
  let failedAt: ParsedStatement | null = null;
  let checks: CheckOutcome[] = [];

  const outcome = await withRetries(ctx, label, async () => {
    try {
      const ran = await runBatch(client, batch, statements.length);
      timings = timingsFrom(statements, ran.marks);
      const measured = compareMeasurements(relations, ran.before!, ran.after!);
      // Data checks run in the migration's transaction: a failure rolls the migration back.
      checks = await runChecks(client, pm);
      const failedCheck = firstFailure(checks);
      if (failedCheck) throw new CheckFailedError(failedCheck);
      const row = inlinedInsertHistory(client, {
        ...historyFields(ctx, pm),
        status: 'applied',
        durationMs: Date.now() - started,
        statementTimings: timings,
        statementsDone: timings.length,
        walBytes: measured.walBytes,
        tableSizes: measured.sizes,
      });
      await client.query(`${row}; COMMIT`);
      return measured;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      if (!(error instanceof BatchError)) throw error;
      failedAt = error.failedAt === null ? null : statements[error.failedAt];
      timings = timingsFrom(statements, error.marks);
      throw error.cause;
    }
  });

  const attempts = outcome.retries + 1;
  timings = timings.map((t) => ({ ...t, attempts }));
  if (outcome.ok) {
    return { ...result(pm, 'applied', Date.now() - started, outcome.value.walBytes, timings, outcome.value.sizes, outcome.retries), checks };
  }
  const error =
    outcome.error instanceof CheckFailedError
      ? { ...toApplyError(outcome.error, pm, null, 0), path: outcome.error.check.path, line: outcome.error.check.line }
      : toApplyError(outcome.error, pm, failedAt, 0);
  await insertHistory(client, {
    ...historyFields(ctx, pm),
    status: 'failed',
    durationMs: Date.now() - started,
    statementTimings: timings,
    statementsDone: 0,
    error: describeApplyError(error),
  });
  return { ...result(pm, 'failed', Date.now() - started, null, timings, [], outcome.retries), error, checks };
}

/** Statement k took from marker k to marker k+1; statements without both markers did not finish. */
function timingsFrom(statements: ParsedStatement[], marks: number[]): StatementTiming[] {
  const timings: StatementTiming[] = [];
  statements.forEach((s, k) => {
    if (marks[k] === undefined || marks[k + 1] === undefined) return;
    timings.push({ index: s.index, line: s.line, kind: s.kind, durationMs: round(marks[k + 1] - marks[k]), attempts: 1 });
  });
  return timings;
}
