/**
 * Lock impact (estimation.md §9–§10): for each lock window the estimated hold (the acquiring
 * statement plus every statement until COMMIT), what the mode blocks, the queries that would queue
 * at the snapshot's workload rates, and the unbounded lock-queue wait when lock_timeout is unset.
 */
import { coveredByStrongerWindow } from '../report/locks';
import type { Finding, LockMode, LockWindow, Migration, Severity, Statement } from '../report/types';
import type { StatsSnapshot, TableRates } from '../snapshot/types';

import { severityFor } from './thresholds';
import type { Limit, Thresholds } from './types';
import { formatMs } from '../util/format';

interface Blocking {
  blocks: string;
  /** Which traffic queues behind the lock: feeds the queue estimate. */
  traffic: 'reads+writes' | 'writes' | 'none';
  limit: keyof Thresholds | null;
}

const BLOCKING: Record<LockMode, Blocking> = {
  AccessExclusiveLock: { blocks: 'all reads and writes', traffic: 'reads+writes', limit: 'accessExclusiveHold' },
  ExclusiveLock: { blocks: 'every write and SELECT … FOR UPDATE/SHARE (plain reads continue)', traffic: 'writes', limit: 'writeBlockingHold' },
  ShareRowExclusiveLock: { blocks: 'every INSERT/UPDATE/DELETE (reads continue)', traffic: 'writes', limit: 'writeBlockingHold' },
  ShareLock: { blocks: 'every INSERT/UPDATE/DELETE (reads continue)', traffic: 'writes', limit: 'writeBlockingHold' },
  ShareUpdateExclusiveLock: { blocks: 'other DDL, VACUUM and ANALYZE (reads and writes continue)', traffic: 'none', limit: null },
  RowExclusiveLock: { blocks: 'DDL and non-concurrent index builds (reads and writes continue)', traffic: 'none', limit: null },
  RowShareLock: { blocks: 'ACCESS EXCLUSIVE and EXCLUSIVE requests only', traffic: 'none', limit: null },
  AccessShareLock: { blocks: 'ACCESS EXCLUSIVE requests only', traffic: 'none', limit: null },
};

/** A backfill's row locks block writers of those rows until COMMIT, whatever the table lock. */
const ROW_LOCKS: Blocking = {
  blocks: 'UPDATE/DELETE/SELECT FOR UPDATE of every row it changed (row locks until COMMIT)',
  traffic: 'writes',
  limit: 'writeBlockingHold',
};

export function lockTimeoutUnset(statement: Statement): boolean {
  const value = statement.timeouts?.lockTimeout;
  return value === undefined || /^0+\s*(ms|s|min)?$/i.test(value.trim());
}

/** Σ estimated durations from the acquiring statement to the end of its transaction. */
export function windowHold(window: LockWindow, statements: Statement[]): { ms: number; lowMs: number; highMs: number } {
  const indexes = [...new Set([window.acquiredAt, ...window.heldDuring])];
  let ms = 0;
  let lowMs = 0;
  let highMs = 0;
  for (const i of indexes) {
    const e = statements[i]?.estimate;
    if (!e) continue;
    ms += e.ms;
    lowMs += e.lowMs;
    highMs += e.highMs;
  }
  return { ms, lowMs, highMs };
}

export interface ImpactInput {
  migration: Migration;
  stats: StatsSnapshot;
  thresholds: Thresholds;
}

/** Sets estimatedHoldMs on every window; returns lock-hold-time findings keyed by acquiring statement. */
export function assessLockWindows({ migration, stats, thresholds }: ImpactInput): { statementIndex: number; finding: Finding }[] {
  const out: { statementIndex: number; finding: Finding }[] = [];
  const tables = new Set(stats.tables.map((t) => t.name));
  for (const window of migration.lockWindows ?? []) {
    const hold = windowHold(window, migration.statements);
    window.estimatedHoldMs = hold.ms;
    // Relations production does not have (created by this change) block nobody there, and a window
    // inside a stronger one on the same table is that window's finding already.
    if (!tables.has(window.relation) || coveredByStrongerWindow(window, migration.lockWindows ?? [])) continue;
    const acquiring = migration.statements[window.acquiredAt];
    if (!acquiring) continue;
    const rowLocks = acquiring.estimate?.class === 'dml-backfill' && window.mode === 'RowExclusiveLock';
    const blocking = rowLocks ? ROW_LOCKS : BLOCKING[window.mode];
    if (!blocking.limit) continue;
    const limit: Limit = thresholds[blocking.limit];
    const severity: Severity = severityFor(hold.ms, limit);
    out.push({
      statementIndex: window.acquiredAt,
      finding: {
        rule: 'lock-hold-time',
        severity,
        message: lockMessage(window, hold, blocking, acquiring, migration.statements, stats.workload?.tables.find((t) => t.name === window.relation) ?? null),
        suggestion: suggestionFor(window.mode, acquiring, rowLocks),
        id: `lock-hold-time@${migration.id}#${window.acquiredAt}:${window.relation}`,
        line: acquiring.line,
        column: acquiring.column,
      },
    });
  }
  return out;
}

function lockMessage(
  window: LockWindow,
  hold: { ms: number; lowMs: number; highMs: number },
  blocking: Blocking,
  acquiring: Statement,
  statements: Statement[],
  rates: TableRates | null,
): string {
  const mode = modeName(window.mode);
  const parts = [
    `${mode} on ${window.relation} for ~${formatMs(hold.ms)} (est. ${formatMs(hold.lowMs)}–${formatMs(hold.highMs)}; ${acquiring.estimate?.class ?? 'unclassified'}): blocks ${blocking.blocks}.`,
  ];
  const later = window.heldDuring.filter((i) => i !== window.acquiredAt);
  if (later.length > 0) {
    const extra = later.reduce((s, i) => s + (statements[i]?.estimate?.ms ?? 0), 0);
    parts.push(`Held from statement ${window.acquiredAt + 1} to the end of its transaction; statements ${later.map((i) => i + 1).join(', ')} add ~${formatMs(extra)}.`);
  }
  const qps = rates ? (blocking.traffic === 'reads+writes' ? rates.readsPerSecond + rates.writesPerSecond : blocking.traffic === 'writes' ? rates.writesPerSecond : 0) : null;
  if (qps !== null && qps > 0) {
    parts.push(`At the snapshot's rates (${rates!.readsPerSecond} reads/s, ${rates!.writesPerSecond} writes/s) ~${Math.ceil((qps * hold.ms) / 1000)} queries would queue during the hold.`);
  }
  if (lockTimeoutUnset(acquiring)) {
    parts.push(`No lock_timeout: while this waits for its lock behind any long transaction on ${window.relation}, every later conflicting query queues behind it, and that wait is unbounded.`);
  } else {
    parts.push(`lock_timeout = ${acquiring.timeouts!.lockTimeout}: the wait for the lock is bounded by it per attempt.`);
  }
  return parts.join(' ');
}

function suggestionFor(mode: LockMode, statement: Statement, rowLocks: boolean): string | null {
  const timeout = lockTimeoutUnset(statement) ? " Set lock_timeout (e.g. SET lock_timeout = '2s') and retry on failure." : '';
  if (rowLocks) return `Backfill in batches of a few thousand rows, committing each batch.${timeout}`;
  if (statement.estimate?.class === 'index-build') return `Use CREATE INDEX CONCURRENTLY (outside a transaction).${timeout}`;
  if (statement.estimate?.class === 'table-rewrite') return `Avoid the rewrite: add a new column, backfill it in batches, then swap (expand/contract).${timeout}`;
  if (statement.estimate?.class === 'validation-scan' || statement.estimate?.class === 'fk-validation') {
    return `Add the constraint NOT VALID, then VALIDATE CONSTRAINT in a separate transaction (SHARE UPDATE EXCLUSIVE only).${timeout}`;
  }
  if (mode === 'AccessExclusiveLock') return `Keep ACCESS EXCLUSIVE statements alone in short transactions.${timeout}`;
  return timeout.trim() || null;
}

export function modeName(mode: LockMode): string {
  return mode
    .replace(/Lock$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toUpperCase();
}
