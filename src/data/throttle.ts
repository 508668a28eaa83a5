/**
 * What a backfill watches to stay polite, from a second connection:
 *   - replication lag (pg_stat_replication, the worst replica): the next batch waits until it is
 *     back under the bound, so replicas are never buried under a backfill's WAL;
 *   - lock waits: sampled while each batch runs, the longest time any session has been queued
 *     behind the backfill's backend. A batch that made someone wait past the bound halves the next
 *     batch (down to 1/16 of the configured size), and healthy batches grow it back.
 */
import type { Client } from 'pg';

const SAMPLE_EVERY_MS = 50;

const LAG_SQL = `SELECT coalesce(max(extract(epoch FROM greatest(write_lag, flush_lag, replay_lag))) * 1000, 0)::float8 AS lag_ms
  FROM pg_stat_replication`;

const LOCK_WAIT_SQL = `SELECT coalesce(max(extract(epoch FROM clock_timestamp() - coalesce(query_start, state_change))) * 1000, 0)::float8 AS wait_ms
  FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> $1 AND $1 = ANY(pg_blocking_pids(pid))`;

export class BackfillMonitor {
  /** Longest lock wait behind the backfill seen since the last takeBatchWait(). */
  private batchWaitMs = 0;
  maxLockWaitMs = 0;
  maxLagMs = 0;
  private timer: NodeJS.Timeout | null = null;
  private sampling: Promise<void> | null = null;

  constructor(
    private readonly client: Client,
    private readonly backendPid: number,
  ) {}

  start(): void {
    const tick = () => {
      this.sampling = this.sample()
        .catch(() => undefined)
        .finally(() => {
          this.sampling = null;
          if (this.timer) this.timer = setTimeout(tick, SAMPLE_EVERY_MS);
        });
    };
    this.timer = setTimeout(tick, SAMPLE_EVERY_MS);
  }

  private async sample(): Promise<void> {
    const { rows } = await this.client.query<{ wait_ms: number }>(LOCK_WAIT_SQL, [this.backendPid]);
    this.batchWaitMs = Math.max(this.batchWaitMs, rows[0].wait_ms);
    this.maxLockWaitMs = Math.max(this.maxLockWaitMs, rows[0].wait_ms);
  }

  /** The longest wait behind the batch that just ran; resets for the next one. */
  takeBatchWait(): number {
    const wait = this.batchWaitMs;
    this.batchWaitMs = 0;
    return wait;
  }

  async replicationLagMs(): Promise<number> {
    const { rows } = await this.client.query<{ lag_ms: number }>(LAG_SQL);
    this.maxLagMs = Math.max(this.maxLagMs, rows[0].lag_ms);
    return rows[0].lag_ms;
  }

  async stop(): Promise<void> {
    const timer = this.timer;
    this.timer = null;
    if (timer) clearTimeout(timer);
    await this.sampling;
  }
}

/** Next batch size after a batch that made sessions wait `waitMs` (bound `boundMs`). */
export function adaptSize(current: number, configured: number, waitMs: number, boundMs: number): number {
  if (waitMs > boundMs) return Math.max(1, Math.floor(current / 2), Math.ceil(configured / 16));
  return Math.min(configured, current * 2);
}
