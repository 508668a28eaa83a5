/**
 * The watchdog: a second connection that looks, every interval, at which sessions wait behind the
 * migration's backend (pg_blocking_pids includes sessions queued behind a lock the migration is
 * still *waiting* for). When application queries have queued longer than the bound, it cancels the
 * migration's statement (pg_cancel_backend); the apply loop sees the cancel and retries later, so
 * the lock queue drains. It also reports pg_stat_progress_create_index for long index builds.
 */
import type { Client } from 'pg';
import { connect } from '../util/pg';
import { formatMs } from '../util/format';

const PROGRESS_EVERY_MS = 5000;

/** Only sessions waiting on a lock are asked for their blockers: pg_blocking_pids is not free on a busy server. */
const BLOCKED_SQL = `SELECT count(*)::int AS waiting,
  coalesce(max(extract(epoch FROM clock_timestamp() - coalesce(query_start, state_change))) * 1000, 0)::float8 AS longest_ms
  FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> $1 AND $1 = ANY(pg_blocking_pids(pid))`;

const INDEX_PROGRESS_SQL = `SELECT p.phase, p.blocks_done, p.blocks_total, p.tuples_done, p.tuples_total,
  coalesce(p.index_relid::regclass::text, '') AS index_name, p.relid::regclass::text AS table_name
  FROM pg_stat_progress_create_index p WHERE p.pid = $1`;

export interface WatchdogOptions {
  boundMs: number;
  intervalMs: number;
  log: (line: string) => void;
}

export class Watchdog {
  /** Cancels issued so far; the apply loop compares it around a statement. */
  cancels = 0;
  private watchedPid: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private lastProgressLog = 0;
  private cancelledThisWatch = false;

  private constructor(
    private readonly client: Client,
    private readonly options: WatchdogOptions,
  ) {}

  static async start(databaseUrl: string, options: WatchdogOptions): Promise<Watchdog> {
    const client = await connect(databaseUrl, { application_name: 'drydock-watchdog' });
    const watchdog = new Watchdog(client, options);
    watchdog.schedule();
    return watchdog;
  }

  /** Watch this backend while one statement (or transaction attempt) runs; null between them. */
  watch(pid: number | null): void {
    this.watchedPid = pid;
    this.cancelledThisWatch = false;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .catch((error: Error) => this.options.log(`watchdog: ${error.message}`))
        .finally(() => {
          this.running = null;
          this.schedule();
        });
    }, this.options.intervalMs);
  }

  private async tick(): Promise<void> {
    const pid = this.watchedPid;
    if (pid === null) return;
    if (this.options.boundMs > 0 && !this.cancelledThisWatch) {
      const { rows } = await this.client.query<{ waiting: number; longest_ms: number }>(BLOCKED_SQL, [pid]);
      const { waiting, longest_ms: longestMs } = rows[0];
      if (waiting > 0 && longestMs > this.options.boundMs && this.watchedPid === pid) {
        this.cancelledThisWatch = true;
        this.cancels++;
        this.options.log(
          `watchdog: ${waiting} session(s) queued behind the migration for ${formatMs(longestMs)} ` +
            `(bound ${formatMs(this.options.boundMs)}); cancelling its statement to retry later`,
        );
        await this.client.query('SELECT pg_cancel_backend($1)', [pid]);
        return;
      }
    }
    if (Date.now() - this.lastProgressLog >= PROGRESS_EVERY_MS) await this.reportIndexProgress(pid);
  }

  private async reportIndexProgress(pid: number): Promise<void> {
    const { rows } = await this.client.query<{
      phase: string;
      blocks_done: string;
      blocks_total: string;
      tuples_done: string;
      tuples_total: string;
      index_name: string;
      table_name: string;
    }>(INDEX_PROGRESS_SQL, [pid]);
    if (rows.length === 0) return;
    const p = rows[0];
    const blocks = Number(p.blocks_total) > 0 ? ` blocks ${p.blocks_done}/${p.blocks_total} (${percent(p.blocks_done, p.blocks_total)})` : '';
    const tuples = Number(p.tuples_total) > 0 ? ` tuples ${p.tuples_done}/${p.tuples_total} (${percent(p.tuples_done, p.tuples_total)})` : '';
    this.options.log(`index build ${p.index_name || '(new index)'} on ${p.table_name}: ${p.phase}${blocks}${tuples}`);
    this.lastProgressLog = Date.now();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    await this.client.end().catch(() => undefined);
  }
}

function percent(done: string, total: string): string {
  return `${Math.round((100 * Number(done)) / Number(total))}%`;
}
