/** The whole backfill's duration from one traced batch: batches × batch time, plus the pauses between them. */
import type { BatchTrace, Estimate } from '../report/types';

export function backfillTotalMs(batches: number, batchMs: number, pauseMs: number): number {
  return Math.round(batches * batchMs + Math.max(0, batches - 1) * pauseMs);
}

/**
 * At `rows` keys (production size when the stats snapshot has the table, else the dry run's). A
 * batch touches `size` keys whatever the table's size, so its time does not grow with the table;
 * the range (½× to 3×) covers cache misses and concurrent load on the target.
 */
export function backfillEstimate(batch: BatchTrace, rows: number, basis: string): Estimate {
  const batches = Math.max(1, Math.ceil(rows / batch.size));
  const ms = backfillTotalMs(batches, batch.tracedBatchMs, batch.pauseMs);
  const pauses = Math.max(0, batches - 1) * batch.pauseMs;
  return {
    ms,
    lowMs: Math.round((ms - pauses) * 0.5 + pauses),
    highMs: Math.round((ms - pauses) * 3 + pauses),
    class: 'batched-backfill',
    basis: `${batches} batches of ${batch.size} keys × ${Math.round(batch.tracedBatchMs)} ms traced per batch + ${Math.max(0, batches - 1)} pauses of ${batch.pauseMs} ms (${basis}, ${rows} rows)`,
  };
}
