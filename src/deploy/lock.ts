/**
 * The deploy lock: a session advisory lock, polled with pg_try_advisory_lock and jittered backoff.
 *
 * Never a blocking pg_advisory_lock: a waiter blocked inside that call has an open transaction, and
 * CREATE INDEX CONCURRENTLY in the deploy holding the lock waits for every older transaction, the
 * waiter included — a hang (flyway/flyway#1654). Between polls the waiter has no transaction at all.
 * A session lock is released by the server when the connection drops, so a killed deploy never
 * leaves the lock held (the migration_locks row it leaves is ignored: its pid no longer holds the lock).
 */
import type { ClientBase } from 'pg';
import { backoffDelay, sleep } from '../apply/duration';
import { LOCKS_TABLE } from './history';
import type { LockHolder } from './types';
import { formatMs } from '../util/format';

/** "drydock" in ASCII: high 3 bytes and low 4 bytes of the bigint key, as pg_locks shows them. */
const KEY_HIGH = 0x647279;
const KEY_LOW = 0x646f636b;
export const DEPLOY_LOCK_KEY = ((BigInt(KEY_HIGH) << 32n) | BigInt(KEY_LOW)).toString();

const FIRST_POLL_MS = 50;
const MAX_POLL_MS = 2000;
const HOLDER_LOG_EVERY_MS = 30_000;

export type LockAttempt =
  | { acquired: true; waitedMs: number; waitedFor: LockHolder | null }
  | { acquired: false; waitedMs: number; holder: LockHolder | null };

export interface AcquireOptions {
  actor: string;
  deployId: string;
  waitLimitMs: number;
  log: (line: string) => void;
}

async function tryLock(client: ClientBase): Promise<boolean> {
  const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [DEPLOY_LOCK_KEY]);
  return rows[0].locked;
}

export async function acquireDeployLock(client: ClientBase, options: AcquireOptions): Promise<LockAttempt> {
  const started = Date.now();
  let waitedFor: LockHolder | null = null;
  let lastHolderLog = -Infinity;
  for (let attempt = 0; ; attempt++) {
    if (await tryLock(client)) {
      return { acquired: true, waitedMs: Date.now() - started, waitedFor };
    }
    const elapsed = Date.now() - started;
    const holder = await readLockHolder(client);
    waitedFor = holder ?? waitedFor;
    if (elapsed >= options.waitLimitMs) return { acquired: false, waitedMs: elapsed, holder: waitedFor };
    if (elapsed - lastHolderLog >= HOLDER_LOG_EVERY_MS) {
      options.log(`waiting for the deploy lock, held by ${describeHolder(holder)} (limit ${formatMs(options.waitLimitMs)})`);
      lastHolderLog = elapsed;
    }
    const delay = backoffDelay(attempt, FIRST_POLL_MS, MAX_POLL_MS);
    await sleep(Math.min(delay, Math.max(0, options.waitLimitMs - elapsed)));
  }
}

/** Record the holder for `drydock status` and for waiters. Call after ensureHistorySchema. */
export async function recordLockHolder(client: ClientBase, actor: string, deployId: string): Promise<void> {
  await client.query(
    `INSERT INTO ${LOCKS_TABLE} (lock_key, holder, pid, deploy_id, acquired_at)
     VALUES ($1::bigint, $2, pg_backend_pid(), $3, now())
     ON CONFLICT (lock_key) DO UPDATE SET holder = EXCLUDED.holder, pid = EXCLUDED.pid,
       deploy_id = EXCLUDED.deploy_id, acquired_at = EXCLUDED.acquired_at`,
    [DEPLOY_LOCK_KEY, actor, deployId],
  );
}

export async function releaseDeployLock(client: ClientBase): Promise<void> {
  const { rows } = await client.query<{ exists: boolean }>(`SELECT to_regclass('${LOCKS_TABLE}') IS NOT NULL AS exists`);
  if (rows[0].exists) {
    await client.query(`DELETE FROM ${LOCKS_TABLE} WHERE lock_key = $1::bigint AND pid = pg_backend_pid()`, [DEPLOY_LOCK_KEY]);
  }
  await client.query('SELECT pg_advisory_unlock($1::bigint)', [DEPLOY_LOCK_KEY]);
}

/** Who holds the lock right now, from pg_locks (the truth) enriched with the migration_locks row. */
export async function readLockHolder(client: ClientBase): Promise<LockHolder | null> {
  const { rows } = await client.query<{ pid: number; backend_start: Date; application_name: string }>(
    `SELECT l.pid, a.backend_start, a.application_name
       FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
        AND l.classid = $1::oid AND l.objid = $2::oid
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    [KEY_HIGH, KEY_LOW],
  );
  if (rows.length === 0) return null;
  const { pid, backend_start: backendStart } = rows[0];
  const { rows: tableRows } = await client.query<{ exists: boolean }>(`SELECT to_regclass('${LOCKS_TABLE}') IS NOT NULL AS exists`);
  if (tableRows[0].exists) {
    const { rows: recorded } = await client.query<{ holder: string; acquired_at: Date; deploy_id: string | null }>(
      `SELECT holder, acquired_at, deploy_id FROM ${LOCKS_TABLE} WHERE lock_key = $1::bigint AND pid = $2`,
      [DEPLOY_LOCK_KEY, pid],
    );
    if (recorded.length > 0) {
      return { holder: recorded[0].holder, pid, since: recorded[0].acquired_at.toISOString(), deployId: recorded[0].deploy_id };
    }
  }
  // Held, but the holder has not written its row yet (it is creating the schema).
  return { holder: 'unknown', pid, since: (backendStart ?? new Date()).toISOString(), deployId: null };
}

export function describeHolder(holder: LockHolder | null): string {
  if (!holder) return 'another session';
  const run = holder.deployId ? `, deploy ${holder.deployId}` : '';
  return `${holder.holder} (pid ${holder.pid}${run}) since ${holder.since}`;
}
