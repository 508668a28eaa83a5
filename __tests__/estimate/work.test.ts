import type { Calibration } from '../../src/estimate/calibrate';
import { fitLinear, predict } from '../../src/estimate/fit';
import { calibratedEstimate } from '../../src/estimate/model';
import { parseWorkMemKb, scaledWorkMemKb } from '../../src/estimate/memory';
import { productionIndexWorkers } from '../../src/estimate/parallel';
import { sizeUnitFor, workOf } from '../../src/estimate/work';
import type { ServerStats, StatsSnapshot, TableStats } from '../../src/snapshot/types';

test('each class is fitted in the quantity its cost follows', () => {
  expect(sizeUnitFor('validation-scan')).toBe('bytes');
  expect(sizeUnitFor('table-rewrite')).toBe('bytes');
  expect(sizeUnitFor('index-build')).toBe('rows-log-rows');
  expect(sizeUnitFor('concurrent-index-build')).toBe('rows-log-rows');
  expect(sizeUnitFor('fk-validation')).toBe('rows-log-rows');
  expect(sizeUnitFor('dml-backfill')).toBe('rows');
  expect(workOf('rows', 1000)).toBe(1000);
  expect(workOf('bytes', 8192)).toBe(8192);
  expect(workOf('rows-log-rows', 1024)).toBe(1024 * 10);
});

test('a sort-shaped cost is extrapolated exactly in n·log2 n, and under-predicted by a line in n', () => {
  const cost = (n: number) => 3 + 0.0001 * n * Math.log2(n);
  const sizes = [10_000, 30_000, 100_000];
  const sorted = fitLinear(sizes.map((n) => ({ size: workOf('rows-log-rows', n), ms: cost(n) })));
  expect(predict(sorted, workOf('rows-log-rows', 1_000_000)) / cost(1_000_000)).toBeCloseTo(1, 9);
  const linear = fitLinear(sizes.map((n) => ({ size: n, ms: cost(n) })));
  const ratio = predict(linear, 1_000_000) / cost(1_000_000);
  expect(ratio).toBeLessThan(0.9);
  expect(ratio).toBeGreaterThan(0.75);
});

const server = (overrides: Partial<ServerStats> = {}): ServerStats => ({
  version: '15.18',
  versionNum: 150018,
  blockSize: 8192,
  maintenanceWorkMemBytes: 64 * 1024 ** 2,
  maxParallelMaintenanceWorkers: 2,
  maxParallelWorkers: 8,
  maxWalSizeBytes: 1024 ** 3,
  settings: { min_parallel_table_scan_size: '10248kB' },
  ...overrides,
});
const table = (heapBytes: number): TableStats => ({
  name: 'public.t',
  kind: 'table',
  reltuples: heapBytes / 93,
  relpages: heapBytes / 8192,
  heapBytes,
  toastBytes: 0,
  indexBytes: 0,
  indexes: [],
  columns: [],
});

test('index-build workers follow PostgreSQL’s size rule: one from min_parallel_table_scan_size, one more per ×3', () => {
  const MB = 1024 ** 2;
  expect(productionIndexWorkers(table(4 * MB), server())).toBe(0);
  expect(productionIndexWorkers(table(9 * MB), server())).toBe(1);
  expect(productionIndexWorkers(table(24 * MB), server())).toBe(2);
  // Capped by max_parallel_maintenance_workers.
  expect(productionIndexWorkers(table(89 * MB), server())).toBe(2);
  expect(productionIndexWorkers(table(89 * MB), server({ maxParallelMaintenanceWorkers: 0 }))).toBe(0);
  // A lowered threshold (512 kB = 64 pages) and an unreadable one (default 8 MB).
  expect(productionIndexWorkers(table(MB), server({ settings: { min_parallel_table_scan_size: '648kB' } }))).toBe(1);
  expect(productionIndexWorkers(table(2 * MB), server({ settings: { min_parallel_table_scan_size: '648kB' } }))).toBe(2);
  expect(productionIndexWorkers(table(4 * MB), server({ settings: {} }))).toBe(0);
});

test('join memory is scaled with the data, so calibration plans the anti-join as production does', () => {
  expect(parseWorkMemKb('4MB')).toBe(4096);
  expect(parseWorkMemKb('65536kB')).toBe(65536);
  expect(parseWorkMemKb('1GB')).toBe(1024 ** 2);
  expect(parseWorkMemKb('lots')).toBeNull();
  // 100 k of 1 M rows: a tenth of 4 MB; never below PostgreSQL's 64 kB minimum; never above production's.
  expect(scaledWorkMemKb(4096, 100_000, 1_000_000)).toBe(410);
  expect(scaledWorkMemKb(4096, 1_000, 100_000_000)).toBe(64);
  expect(scaledWorkMemKb(4096, 5_000, 1_000)).toBe(4096);
  expect(scaledWorkMemKb(4096, 1_000, null)).toBeNull();
});

test('a rewrite is the per-byte heap copy plus its index rebuilds fitted as a sort', () => {
  const perByte = 1e-5;
  const rebuild = (n: number) => 2 + 1e-4 * n * Math.log2(n);
  const rows = [10_000, 30_000, 100_000];
  const bytesPerRow = 100;
  const calibration: Calibration = {
    unit: 'bytes',
    points: rows.map((n) => ({ size: n * bytesPerRow, ms: 1 + perByte * n * bytesPerRow + rebuild(n) })),
    rows,
    bytesPerRow,
    walBytesPerUnit: 1,
    tables: ['public.t'],
    notes: [],
    indexRebuild: rows.map((n) => ({ size: n, ms: rebuild(n) })),
    contention: { wallMs: 1, runQueueMs: 0 },
  };
  const production = { ...table(1_000_000 * bytesPerRow), reltuples: 1_000_000 };
  const stats: StatsSnapshot = { format: 'drydock-stats/1', takenAt: 'now', server: server(), tables: [production], workload: null, notes: [] };
  const model = calibratedEstimate(
    { class: 'table-rewrite', table: 'public.t', related: [], reason: 'rewritten' },
    calibration,
    stats,
    () => production,
    { low: 0.5, high: 3 },
  );
  const truth = 1 + perByte * 1_000_000 * bytesPerRow + rebuild(1_000_000);
  expect(model.estimate.ms / truth).toBeCloseTo(1, 6);
  expect(model.estimate.basis).toMatch(/plus index rebuilds \(REINDEX timed apart\)/);
});
