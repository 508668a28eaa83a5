/**
 * One timed execution of a statement, with what estimation.md §5 step 4 asks to record: wall time,
 * WAL bytes, rows, own relation locks before COMMIT, relfilenode changes and sequential scans.
 * Transactional statements are rolled back, so the same data serves the next run.
 */
import { relkindName } from '../dryrun/trace-query';
import { performance } from 'node:perf_hooks';
import type { Client } from 'pg';
import type { LockEntry, LockMode, RewriteEntry, ScanTrace } from '../report/types';
import { contentionFreeMs, RunQueueClock } from './runqueue';

export interface Measurement {
  /** Contention-free time (./runqueue.ts) when a backend clock was given, else wall time. */
  ms: number;
  wallMs: number;
  /** Time the backend waited for a CPU held by another process; null without a clock. */
  runQueueMs: number | null;
  walBytes: number;
  rows: number | null;
  /** Empty for non-transactional statements (their locks end with the statement). */
  locks: LockEntry[];
  rewrites: RewriteEntry[];
  /** undefined when it cannot be observed (non-transactional statements), null when nothing was scanned. */
  scan: ScanTrace | null | undefined;
}

/** Relation names are schema-qualified like the report's: "public.users". */
const FILENODES = `SELECT n.nspname || '.' || c.relname AS name, c.relkind::text AS relkind, c.relfilenode::text AS filenode
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'i', 'm', 't') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')`;

/** `commit: true` keeps the effect (tracing a migration step by step); the default rolls back. */
export async function measureStatement(
  client: Client,
  sql: string,
  options: { transactional: boolean; commit?: boolean; clock?: RunQueueClock | null },
): Promise<Measurement> {
  const before = await filenodes(client);
  if (options.transactional) await client.query('BEGIN');
  try {
    const scansBefore = options.transactional ? await pendingScans(client) : null;
    const walStart = await walPosition(client);
    const delayStart = options.clock?.runDelayNs() ?? null;
    const started = performance.now();
    const result = await client.query(sql);
    const wallMs = performance.now() - started;
    const delayEnd = delayStart === null ? null : (options.clock?.runDelayNs() ?? null);
    const runQueueMs = delayStart === null || delayEnd === null ? null : (delayEnd - delayStart) / 1e6;
    const ms = contentionFreeMs(wallMs, runQueueMs);
    const walBytes = await walSince(client, walStart);
    const locks = options.transactional ? await ownLocks(client) : [];
    const scan = scansBefore ? scanDelta(scansBefore, await pendingScans(client)) : undefined;
    const after = await filenodes(client);
    const rewrites: RewriteEntry[] = [];
    for (const [name, rel] of before) {
      const now = after.get(name);
      if (now && now.filenode !== rel.filenode && rel.relkind !== 't') {
        rewrites.push({ relation: name, kind: rel.relkind === 'i' ? 'index' : 'table', source: 'traced' });
      }
    }
    const rows = typeof result.rowCount === 'number' ? result.rowCount : null;
    return { ms, wallMs, runQueueMs, walBytes, rows, locks, rewrites, scan };
  } finally {
    if (options.transactional) await client.query(options.commit ? 'COMMIT' : 'ROLLBACK');
  }
}

async function filenodes(client: Client): Promise<Map<string, { relkind: string; filenode: string }>> {
  const { rows } = await client.query<{ name: string; relkind: string; filenode: string }>(FILENODES);
  return new Map(rows.map((r) => [r.name, { relkind: r.relkind, filenode: r.filenode }]));
}

async function walPosition(client: Client): Promise<string> {
  const { rows } = await client.query<{ lsn: string }>('SELECT pg_catalog.pg_current_wal_insert_lsn()::text AS lsn');
  return rows[0].lsn;
}

async function walSince(client: Client, start: string): Promise<number> {
  const { rows } = await client.query<{ bytes: string }>(
    'SELECT pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_insert_lsn(), $1::pg_lsn)::bigint AS bytes',
    [start],
  );
  return Number(rows[0].bytes);
}

async function ownLocks(client: Client): Promise<LockEntry[]> {
  const { rows } = await client.query<{ relation: string; mode: LockMode; relkind: string }>(
    `SELECT n.nspname || '.' || c.relname AS relation, l.mode, c.relkind::text AS relkind
       FROM pg_catalog.pg_locks l
       JOIN pg_catalog.pg_class c ON c.oid = l.relation
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE l.pid = pg_catalog.pg_backend_pid() AND l.locktype = 'relation' AND l.granted
        AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      ORDER BY 1, 2`,
  );
  return rows.map((r) => ({ relation: r.relation, mode: r.mode, source: 'traced', relkind: relkindName(r.relkind) }));
}

type ScanCounters = Map<string, { seqScans: number; tuplesRead: number }>;

/**
 * This backend's not-yet-flushed scan counters. Since PostgreSQL 15 pg_stat_xact_* show pending
 * counts, which can span earlier transactions until the next flush: only a difference is exact.
 */
async function pendingScans(client: Client): Promise<ScanCounters> {
  const { rows } = await client.query<{ relation: string; seq_scan: string; seq_tup_read: string }>(
    `SELECT schemaname || '.' || relname AS relation, seq_scan, seq_tup_read FROM pg_catalog.pg_stat_xact_user_tables`,
  );
  return new Map(rows.map((r) => [r.relation, { seqScans: Number(r.seq_scan), tuplesRead: Number(r.seq_tup_read) }]));
}

/** The table the statement read most by sequential scan, or null when it scanned none. */
function scanDelta(before: ScanCounters, after: ScanCounters): ScanTrace | null {
  let best: ScanTrace | null = null;
  for (const [relation, now] of after) {
    const then = before.get(relation) ?? { seqScans: 0, tuplesRead: 0 };
    const delta = { relation, seqScans: now.seqScans - then.seqScans, tuplesRead: now.tuplesRead - then.tuplesRead };
    if (delta.seqScans <= 0) continue;
    if (!best || delta.tuplesRead > best.tuplesRead || (delta.tuplesRead === best.tuplesRead && delta.seqScans > best.seqScans)) best = delta;
  }
  return best;
}
