/**
 * The batched backfill: walk the key in batches of `size` keys, each batch its own transaction
 * (boundary lookup, the statement limited to the key range, the progress row, COMMIT). Row locks
 * are held for one batch only. Progress (keys done/total, rate, ETA) is logged, and stored with each
 * batch, so a crashed or cancelled run resumes at the next batch.
 */
import type { ClientBase } from 'pg';
import { performance } from 'node:perf_hooks';
import { sleep } from '../apply/duration';
import { timeoutSql } from '../apply/retry';
import type { BatchPlan } from './batch-plan';
import type { BackfillState, ProgressStore } from './progress-store';
import { adaptSize, BackfillMonitor } from './throttle';
import { formatMs } from '../util/format';

export interface BackfillOptions {
  plan: BatchPlan;
  store: ProgressStore;
  checksum: string;
  /** Per batch. */
  lockTimeoutMs: number;
  statementTimeoutMs: number;
  /** Watches lag and lock waits; null = no throttling (the dry run). */
  monitor: BackfillMonitor | null;
  log: (line: string) => void;
  /** Runs one batch attempt, retrying it when it may (lock timeout, watchdog cancel). Default: once. */
  retry?: <T>(label: string, attempt: () => Promise<T>) => Promise<T>;
  /** Stop after this many batches in this run (the dry run traces one batch first). */
  maxBatches?: number;
  /** Log a progress line at most this often. */
  progressEveryMs?: number;
}

export interface BackfillResult {
  /** Key where this run started, when it resumed an earlier one. */
  resumedAfter: string | null;
  /** The backfill was already complete: nothing ran. */
  alreadyDone: boolean;
  state: BackfillState;
  /** This run only. */
  batches: number;
  durationMs: number;
  /** Batch transaction times (ms) of this run: the row-lock window of each batch. */
  batchMs: number[];
  maxLockWaitMs: number;
  maxLagMs: number;
}

export class BackfillChecksumError extends Error {}

export async function runBackfill(client: ClientBase, options: BackfillOptions): Promise<BackfillResult> {
  const { plan, store, log } = options;
  const { directive, rewriter } = plan;
  const retry = options.retry ?? ((_label, attempt) => attempt());
  const stored = await store.load(client);
  if (stored && stored.checksum !== options.checksum) {
    throw new BackfillChecksumError(
      `the migration file changed since its backfill started (${stored.keysDone} keys done, up to key ${stored.lastKey}); ` +
        'restore the file, or finish the backfill by hand and run drydock resolve',
    );
  }
  const state: BackfillState = stored ?? {
    checksum: options.checksum,
    lastKey: null,
    keysDone: 0,
    rowsDone: 0,
    total: await tableKeys(client, rewriter.target.table),
    batches: 0,
    done: false,
    elapsedMs: 0,
    maxBatchMs: 0,
    throttledMs: 0,
  };
  const result: BackfillResult = {
    resumedAfter: stored && !stored.done ? stored.lastKey : null,
    alreadyDone: stored?.done ?? false,
    state,
    batches: 0,
    durationMs: 0,
    batchMs: [],
    maxLockWaitMs: 0,
    maxLagMs: 0,
  };
  const name = `backfill ${rewriter.target.table}`;
  if (state.done) {
    log(`${name}: already complete (${state.keysDone} keys, ${state.rowsDone} rows); nothing to do`);
    return result;
  }
  if (result.resumedAfter !== null) log(`${name}: resuming after key ${result.resumedAfter} (${state.keysDone}/${state.total} keys, ${state.batches} batches done)`);

  const started = performance.now();
  const runStartKeys = state.keysDone;
  let size = directive.size;
  let lastLog = started;
  options.monitor?.start();
  try {
    while (options.maxBatches === undefined || result.batches < options.maxBatches) {
      state.throttledMs += await waitForReplicas(options, name);
      const batch = await retry(`${name} batch ${state.batches + 1}`, () => runOneBatch(client, options, state, size));
      result.batches++;
      if (batch.done) break;
      result.batchMs.push(batch.ms);
      const waitMs = options.monitor?.takeBatchWait() ?? 0;
      const next = adaptSize(size, directive.size, waitMs, directive.maxLockWaitMs);
      if (next < size) log(`${name}: sessions waited ${formatMs(waitMs)} for a lock (bound ${formatMs(directive.maxLockWaitMs)}); batch size ${size} → ${next}`);
      size = next;
      const now = performance.now();
      if (now - lastLog >= (options.progressEveryMs ?? 2000)) {
        log(progressLine(name, state, state.keysDone - runStartKeys, now - started));
        lastLog = now;
      }
      if (directive.pauseMs > 0) await sleep(directive.pauseMs);
    }
  } finally {
    await options.monitor?.stop();
  }
  result.durationMs = performance.now() - started;
  result.maxLockWaitMs = options.monitor?.maxLockWaitMs ?? 0;
  result.maxLagMs = options.monitor?.maxLagMs ?? 0;
  if (state.done) log(`${name}: done, ${state.keysDone} keys, ${state.rowsDone} rows in ${state.batches} batches (${formatMs(state.elapsedMs)} in all)`);
  return result;
}

/** One transaction: find the next range, run the statement on it, record progress, commit. */
async function runOneBatch(client: ClientBase, options: BackfillOptions, state: BackfillState, size: number): Promise<{ done: boolean; ms: number }> {
  const { rewriter } = options.plan;
  const t0 = performance.now();
  await client.query(
    `BEGIN; SET LOCAL lock_timeout = ${timeoutSql(options.lockTimeoutMs)}; SET LOCAL statement_timeout = ${timeoutSql(options.statementTimeoutMs)}`,
  );
  try {
    const { rows } = await client.query<{ upper: string | null; keys: number }>(rewriter.boundarySql(state.lastKey, size));
    const next = { ...state };
    if (rows[0].upper === null) {
      next.done = true;
    } else {
      const updated = await client.query(rewriter.batchSql(state.lastKey, rows[0].upper));
      next.lastKey = rows[0].upper;
      next.keysDone += rows[0].keys;
      next.rowsDone += updated.rowCount ?? 0;
      next.batches++;
    }
    const ms = performance.now() - t0;
    next.elapsedMs += ms;
    next.maxBatchMs = Math.max(next.maxBatchMs, ms);
    await options.store.save(client, next);
    await client.query('COMMIT');
    Object.assign(state, next);
    return { done: next.done, ms };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function waitForReplicas(options: BackfillOptions, name: string): Promise<number> {
  const { monitor, plan, log } = options;
  if (!monitor) return 0;
  let waited = 0;
  for (let lag = await monitor.replicationLagMs(); lag > plan.directive.maxLagMs; lag = await monitor.replicationLagMs()) {
    if (waited === 0) log(`${name}: replica lag ${formatMs(lag)} above ${formatMs(plan.directive.maxLagMs)}; holding the next batch`);
    await sleep(1000);
    waited += 1000;
  }
  return waited;
}

/** Keys to walk, for progress: the planner's count on large tables (a count(*) would scan them). */
async function tableKeys(client: ClientBase, table: string): Promise<number> {
  const { rows } = await client.query<{ estimate: number }>(`SELECT reltuples::float8 AS estimate FROM pg_class WHERE oid = to_regclass($1)`, [table]);
  const estimate = rows[0]?.estimate ?? -1;
  if (estimate >= 1_000_000) return Math.round(estimate);
  const counted = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(counted.rows[0].n);
}

export function progressLine(name: string, state: BackfillState, keysThisRun: number, msThisRun: number): string {
  const rate = msThisRun > 0 ? (keysThisRun * 1000) / msThisRun : 0;
  const left = Math.max(0, state.total - state.keysDone);
  const pct = state.total > 0 ? ` (${Math.min(100, Math.round((100 * state.keysDone) / state.total))}%)` : '';
  const eta = rate > 0 ? formatMs((left * 1000) / rate) : 'unknown';
  return `${name}: ${state.keysDone}/${state.total} keys${pct}, ${state.rowsDone} rows changed, ${state.batches} batches, ${Math.round(rate)} keys/s, ETA ${eta}`;
}
