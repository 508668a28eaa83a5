/**
 * Deploying a batched migration (see ./batch-plan.ts): a `running` history row first, then the
 * backfill batch by batch, then the row marked applied. A crash leaves the row `running` and the
 * progress row at the last committed batch; the next deploy sees a resumable migration (not a
 * blocking one, src/deploy/plan.ts) and continues from there.
 */
import { insertHistory, updateHistory } from '../deploy/history';
import type { ParsedMigration } from '../engine/types';
import type { ApplyContext } from '../apply/context';

import { describeApplyError, toApplyError } from '../apply/errors';
import { historyFields, result, round } from '../apply/record';
import { withRetries } from '../apply/retry';
import type { MigrationApplyResult } from '../apply/types';
import type { BatchPlan } from './batch-plan';
import { BackfillChecksumError, runBackfill } from './executor';
import { ensureProgressTable, TableProgressStore } from './progress-store';
import { BackfillMonitor } from './throttle';
import { connect } from '../util/pg';
import { formatMs } from '../util/format';

export interface BatchedApplyOptions {
  /** URL for the monitor connection (lag and lock waits); null = no throttling. */
  monitorUrl: string | null;
}

export async function applyBatchedMigration(
  ctx: ApplyContext,
  pm: ParsedMigration,
  plan: BatchPlan,
  label: string,
  options: BatchedApplyOptions,
): Promise<MigrationApplyResult> {
  const { client, settings } = ctx;
  const started = Date.now();
  await ensureProgressTable(client);
  const rowId = await insertHistory(client, { ...historyFields(ctx, pm), status: 'running', blocksDeploy: true, statementsDone: 0 });
  const monitorClient = options.monitorUrl ? await connect(options.monitorUrl, { application_name: 'drydock-backfill-monitor' }) : null;
  const statement = plan.statement;
  try {
    const run = await runBackfill(client, {
      plan,
      store: new TableProgressStore(pm.migration.id, statement.index, plan.directive.key),
      checksum: pm.migration.checksum,
      lockTimeoutMs: settings.lockTimeoutMs,
      statementTimeoutMs: settings.statementTimeoutMs,
      monitor: monitorClient ? new BackfillMonitor(monitorClient, ctx.pid) : null,
      log: ctx.log,
      retry: async (batchLabel, attempt) => {
        const outcome = await withRetries(ctx, `${label} ${batchLabel}`, attempt);
        if (!outcome.ok) throw outcome.error;
        return outcome.value;
      },
    });
    const timing = { index: statement.index, line: statement.line, kind: statement.kind, durationMs: round(run.state.elapsedMs), attempts: 1 };
    const durationMs = Date.now() - started;
    await updateHistory(client, rowId, { status: 'applied', blocksDeploy: false, durationMs, statementTimings: [timing], statementsDone: 1 });
    if (run.batchMs.length > 0) {
      ctx.log(`${label}: ${run.batches} batches, longest row-lock window ${formatMs(Math.max(...run.batchMs))}, max lock wait caused ${formatMs(run.maxLockWaitMs)}`);
    }
    return { ...result(pm, 'applied', durationMs, null, [timing], [], 0, 'batched'), backfill: run };
  } catch (error) {
    const resumable = !(error instanceof BackfillChecksumError);
    const applyError = toApplyError(error, pm, statement, 0);
    await updateHistory(client, rowId, {
      status: 'failed',
      blocksDeploy: !resumable,
      durationMs: Date.now() - started,
      statementsDone: 0,
      error: describeApplyError(applyError) + (resumable ? ' (batches committed so far are kept; the next deploy resumes after the last one)' : ''),
    }).catch(() => undefined);
    return { ...result(pm, 'failed', Date.now() - started, null, [], [], 0, 'batched'), error: applyError };
  } finally {
    await monitorClient?.end().catch(() => undefined);
  }
}
