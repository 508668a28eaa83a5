import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadStats, SNAPSHOT_FORMAT, StatsSnapshot } from '../../src/snapshot';
import { workloadRates } from '../../src/snapshot/workload';
import { unitBytes } from '../../src/snapshot/settings';
import { DrydockError } from '../../src/util/errors';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drydock-stats-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const valid: StatsSnapshot = {
  format: SNAPSHOT_FORMAT,
  takenAt: '2026-01-02T03:04:05.000Z',
  server: {
    version: '16.4',
    versionNum: 160004,
    blockSize: 8192,
    maintenanceWorkMemBytes: 64 * 1024 * 1024,
    maxParallelMaintenanceWorkers: 2,
    maxParallelWorkers: 8,
    maxWalSizeBytes: 1024 ** 3,
    settings: { wal_level: 'replica' },
  },
  tables: [
    {
      name: 'public.users',
      kind: 'table',
      reltuples: 1000,
      relpages: 10,
      heapBytes: 81920,
      toastBytes: 0,
      indexBytes: 16384,
      indexes: [{ name: 'users_pkey', definition: 'CREATE UNIQUE INDEX users_pkey ON public.users USING btree (id)', bytes: 16384, unique: true, primary: true, valid: true }],
      columns: [{ name: 'id', type: 'bigint', notNull: true, avgWidth: 8, nullFrac: 0, nDistinct: -1 }],
    },
  ],
  workload: null,
  notes: [],
};

function write(name: string, content: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

test('a valid file loads as is', () => {
  expect(loadStats(write('ok.json', JSON.stringify(valid)))).toEqual(valid);
});

test('bad files are DrydockErrors naming the file and the field', () => {
  const broken = write('broken.json', '{"format": ');
  expect(() => loadStats(broken)).toThrow(DrydockError);
  expect(() => loadStats(broken)).toThrow(/not valid JSON/);

  const wrong = write('wrong.json', JSON.stringify({ ...valid, tables: [{ ...valid.tables[0], reltuples: 'many' }] }));
  const error = (() => {
    try {
      loadStats(wrong);
    } catch (e) {
      return e as DrydockError;
    }
    throw new Error('expected an error');
  })();
  expect(error.position?.path).toBe(wrong);
  expect(error.details.join('\n')).toContain('tables[0].reltuples: expected a number');
  expect(error.fix).toMatch(/drydock snapshot/);

  expect(() => loadStats(path.join(dir, 'missing.json'))).toThrow(/cannot read the stats file/);
  expect(() => loadStats(write('other.json', JSON.stringify({ ...valid, format: 'x' })))).toThrow(/not a drydock snapshot/);
});

test('workload rates are counter differences per second; a reset counts as no traffic', () => {
  const rates = workloadRates(
    [
      { name: 'public.a', scans: 100, writes: 50 },
      { name: 'public.b', scans: 900, writes: 10 },
    ],
    [
      { name: 'public.a', scans: 160, writes: 80 },
      { name: 'public.b', scans: 3, writes: 1 },
      { name: 'public.new', scans: 5, writes: 5 },
    ],
    30,
  );
  expect(rates).toEqual({
    intervalSeconds: 30,
    tables: [
      { name: 'public.a', readsPerSecond: 2, writesPerSecond: 1 },
      { name: 'public.b', readsPerSecond: 0, writesPerSecond: 0 },
    ],
  });
});

test('pg_settings units', () => {
  expect(unitBytes('kB')).toBe(1024);
  expect(unitBytes('8kB')).toBe(8192);
  expect(unitBytes('MB')).toBe(1024 * 1024);
  expect(unitBytes(null)).toBe(1);
});
