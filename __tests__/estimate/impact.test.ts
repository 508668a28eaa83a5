/** Threshold severities and lock-impact wording, on report objects built by hand. */
import { assessLockWindows, windowHold } from '../../src/estimate/impact';
import { DEFAULT_THRESHOLDS, severityFor } from '../../src/estimate/thresholds';
import type { Estimate, LockWindow, Migration, Statement } from '../../src/report/types';
import { SNAPSHOT_FORMAT, StatsSnapshot, TableStats } from '../../src/snapshot/types';

function table(name: string, reltuples: number, heapBytes: number): TableStats {
  return { name, kind: 'table', reltuples, relpages: Math.ceil(heapBytes / 8192), heapBytes, toastBytes: 0, indexBytes: 0, indexes: [], columns: [] };
}

function stats(tables: TableStats[], workload: StatsSnapshot['workload'] = null): StatsSnapshot {
  return {
    format: SNAPSHOT_FORMAT,
    takenAt: '2026-01-01T00:00:00.000Z',
    server: { version: '16.4', versionNum: 160004, blockSize: 8192, maintenanceWorkMemBytes: 64 << 20, maxParallelMaintenanceWorkers: 2, maxParallelWorkers: 8, maxWalSizeBytes: 1 << 30, settings: {} },
    tables,
    workload,
    notes: [],
  };
}

function statement(index: number, estimate: Partial<Estimate> & { ms: number }, extra: Partial<Statement> = {}): Statement {
  return {
    index,
    line: index + 1,
    column: 1,
    endLine: index + 1,
    sql: `-- statement ${index}`,
    kind: 'AlterTableStmt',
    nonTransactional: false,
    transactionControl: false,
    locks: [],
    rewrites: [],
    durationMs: 1,
    findings: [],
    estimate: { lowMs: estimate.ms * 0.5, highMs: estimate.ms * 3, class: 'table-rewrite', basis: 'test', ...estimate },
    timeouts: { lockTimeout: '0', statementTimeout: '0' },
    ...extra,
  };
}

function migration(statements: Statement[], lockWindows: LockWindow[]): Migration {
  return {
    id: '20260101_x',
    description: '',
    path: 'migrations/20260101_x.sql',
    layout: 'plain',
    direction: 'up',
    transactional: true,
    transactionSource: 'default',
    checksum: '',
    downPath: null,
    isNew: true,
    statements,
    findings: [],
    lockWindows,
  };
}

const window = (relation: string, mode: LockWindow['mode'], acquiredAt = 0, heldDuring: number[] = []): LockWindow => ({
  relation,
  mode,
  acquiredAt,
  releasedAt: null,
  heldDuring,
  holdMs: 1,
});

test('severity bands', () => {
  expect(severityFor(999, DEFAULT_THRESHOLDS.accessExclusiveHold)).toBe('info');
  expect(severityFor(5_000, DEFAULT_THRESHOLDS.accessExclusiveHold)).toBe('warning');
  expect(severityFor(10_001, DEFAULT_THRESHOLDS.accessExclusiveHold)).toBe('error');
  expect(severityFor(30_000, DEFAULT_THRESHOLDS.writeBlockingHold)).toBe('warning');
  expect(severityFor(4 * 60_000, DEFAULT_THRESHOLDS.migrationTotal)).toBe('warning');
  expect(severityFor(11 * 60_000, DEFAULT_THRESHOLDS.migrationTotal)).toBe('error');
});

test('a rewrite of a 10-row table is info, of a 50 GB table an error', () => {
  const s = stats([table('public.tiny', 10, 8192), table('public.huge', 500e6, 50 * 1024 ** 3)]);
  const tiny = migration([statement(0, { ms: 4 })], [window('public.tiny', 'AccessExclusiveLock')]);
  const huge = migration([statement(0, { ms: 25 * 60_000 })], [window('public.huge', 'AccessExclusiveLock')]);
  const [tinyFinding] = assessLockWindows({ migration: tiny, stats: s, thresholds: DEFAULT_THRESHOLDS });
  const [hugeFinding] = assessLockWindows({ migration: huge, stats: s, thresholds: DEFAULT_THRESHOLDS });
  expect(tinyFinding.finding).toMatchObject({ rule: 'lock-hold-time', severity: 'info' });
  expect(hugeFinding.finding).toMatchObject({ rule: 'lock-hold-time', severity: 'error', id: 'lock-hold-time@20260101_x#0:public.huge' });
  expect(hugeFinding.finding.message).toMatch(/^ACCESS EXCLUSIVE on public\.huge for ~25 min \(est\. 12 min 30 s–1 h 15 min; table-rewrite\): blocks all reads and writes\./);
  expect(huge.lockWindows![0].estimatedHoldMs).toBe(25 * 60_000);
});

test('the hold runs to COMMIT: later statements in the transaction add to it', () => {
  const statements = [statement(0, { ms: 2, class: 'metadata' }), statement(1, { ms: 4_000, class: 'dml-backfill' }), statement(2, { ms: 7_000 })];
  const m = migration(statements, [window('public.users', 'AccessExclusiveLock', 0, [1, 2])]);
  expect(windowHold(m.lockWindows![0], statements).ms).toBe(11_002);
  const [{ finding }] = assessLockWindows({ migration: m, stats: stats([table('public.users', 1e6, 1e8)]), thresholds: DEFAULT_THRESHOLDS });
  expect(finding.severity).toBe('error');
  expect(finding.message).toContain('Held from statement 1 to the end of its transaction; statements 2, 3 add ~11 s.');
});

test('what each mode blocks, and which modes are judged against which limit', () => {
  const s = stats([table('public.orders', 1e6, 1e8)]);
  const share = migration([statement(0, { ms: 30_000, class: 'index-build' })], [window('public.orders', 'ShareLock')]);
  const [shareFinding] = assessLockWindows({ migration: share, stats: s, thresholds: DEFAULT_THRESHOLDS });
  expect(shareFinding.finding.severity).toBe('warning'); // writes blocked 30 s: 1–60 s band
  expect(shareFinding.finding.message).toContain('blocks every INSERT/UPDATE/DELETE (reads continue)');
  expect(shareFinding.finding.suggestion).toMatch(/CREATE INDEX CONCURRENTLY/);
  // SHARE UPDATE EXCLUSIVE blocks no application traffic: no finding, but the hold is estimated.
  const sue = migration([statement(0, { ms: 30_000, class: 'concurrent-index-build' })], [window('public.orders', 'ShareUpdateExclusiveLock')]);
  expect(assessLockWindows({ migration: sue, stats: s, thresholds: DEFAULT_THRESHOLDS })).toEqual([]);
  expect(sue.lockWindows![0].estimatedHoldMs).toBe(30_000);
  // A backfill's row locks block writers even though the table lock is only ROW EXCLUSIVE.
  const backfill = migration([statement(0, { ms: 90_000, class: 'dml-backfill' })], [window('public.orders', 'RowExclusiveLock')]);
  const [rowLocks] = assessLockWindows({ migration: backfill, stats: s, thresholds: DEFAULT_THRESHOLDS });
  expect(rowLocks.finding.severity).toBe('error');
  expect(rowLocks.finding.message).toContain('row locks until COMMIT');
  expect(rowLocks.finding.suggestion).toMatch(/batches/);
});

test('tables production does not have (created by this change) block nobody', () => {
  const m = migration([statement(0, { ms: 50_000 })], [window('public.brand_new', 'AccessExclusiveLock')]);
  expect(assessLockWindows({ migration: m, stats: stats([]), thresholds: DEFAULT_THRESHOLDS })).toEqual([]);
});

test('lock_timeout: unset means an unbounded queue; set means bounded per attempt', () => {
  const s = stats([table('public.accounts', 1000, 81920)]);
  const unset = migration([statement(0, { ms: 3, class: 'metadata' })], [window('public.accounts', 'AccessExclusiveLock')]);
  const [a] = assessLockWindows({ migration: unset, stats: s, thresholds: DEFAULT_THRESHOLDS });
  expect(a.finding.severity).toBe('info');
  expect(a.finding.message).toMatch(/No lock_timeout: .* that wait is unbounded\./);
  expect(a.finding.suggestion).toMatch(/SET lock_timeout/);
  const set = migration([statement(0, { ms: 3, class: 'metadata' }, { timeouts: { lockTimeout: '2s', statementTimeout: '0' } })], [window('public.accounts', 'AccessExclusiveLock')]);
  const [b] = assessLockWindows({ migration: set, stats: s, thresholds: DEFAULT_THRESHOLDS });
  expect(b.finding.message).toContain('lock_timeout = 2s: the wait for the lock is bounded by it per attempt.');
  expect(b.finding.message).not.toMatch(/unbounded/);
});

test('with workload rates, the queries that would queue during the hold', () => {
  const s = stats([table('public.orders', 1e6, 1e8)], { intervalSeconds: 60, tables: [{ name: 'public.orders', readsPerSecond: 40, writesPerSecond: 10 }] });
  const ae = migration([statement(0, { ms: 8_000 })], [window('public.orders', 'AccessExclusiveLock')]);
  expect(assessLockWindows({ migration: ae, stats: s, thresholds: DEFAULT_THRESHOLDS })[0].finding.message).toContain(
    "At the snapshot's rates (40 reads/s, 10 writes/s) ~400 queries would queue during the hold.",
  );
  // SHARE lets reads through: only writes queue.
  const share = migration([statement(0, { ms: 8_000, class: 'index-build' })], [window('public.orders', 'ShareLock')]);
  expect(assessLockWindows({ migration: share, stats: s, thresholds: DEFAULT_THRESHOLDS })[0].finding.message).toContain('~80 queries would queue');
});
