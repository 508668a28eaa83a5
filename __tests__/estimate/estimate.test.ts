/**
 * End to end on the test server: a "production" database gives the stats snapshot, the migration
 * is traced on an empty copy of the base schema (as the dry run would), and estimate() calibrates
 * on synthetic rows in another copy. Small calibration sizes keep the test fast.
 */
import { EphemeralServer, startEphemeralServer } from '../../src/dryrun/providers';
import { estimate, renderEstimateText } from '../../src/estimate';
import { traceStatementsOneByOne } from '../../src/estimate/trace';
import type { ParsedMigration } from '../../src/engine/types';
import { takeSnapshot, StatsSnapshot } from '../../src/snapshot';
import { withClient } from '../../src/util/pg';
import { createTestDatabase, dropTestDatabases, testServerUrl } from '../support/pg';

const SCHEMA = `CREATE TABLE items (id bigint PRIMARY KEY, qty int NOT NULL, label text, created timestamptz);
CREATE TABLE owners (id bigint PRIMARY KEY, name text NOT NULL);`;
const SIZES = [1_000, 3_000, 10_000];

let server: EphemeralServer;
let baseName: string;
let stats: StatsSnapshot;

beforeAll(async () => {
  server = await startEphemeralServer({ shadowUrl: testServerUrl() });
  const baseUrl = await createTestDatabase();
  baseName = new URL(baseUrl).pathname.slice(1);
  await withClient(baseUrl, (c) => c.query(SCHEMA));
  const prodUrl = await createTestDatabase();
  await withClient(prodUrl, async (c) => {
    await c.query(SCHEMA);
    await c.query(`INSERT INTO owners SELECT i, 'owner ' || i FROM generate_series(1, 1000) i`);
    await c.query(
      `INSERT INTO items SELECT i, i % 100, CASE WHEN i % 4 = 0 THEN NULL ELSE md5(i::text) END, now() - i * interval '1 minute'
         FROM generate_series(1, 10000) i`,
    );
    await c.query('VACUUM ANALYZE items');
    await c.query('VACUUM ANALYZE owners');
  });
  stats = await takeSnapshot(prodUrl);
});

afterAll(async () => {
  await server?.stop();
  await dropTestDatabases();
});

async function trace(sql: string): Promise<ParsedMigration> {
  const ci = await server.createDatabase({ template: baseName });
  try {
    return await withClient(ci.url, (c) => traceStatementsOneByOne(c, sql, 'migrations/001_change.sql', '001_change'));
  } finally {
    await server.dropDatabase(ci.name);
  }
}

function withItems(patch: { reltuples: number; heapBytes: number }): StatsSnapshot {
  return { ...stats, tables: stats.tables.map((t) => (t.name === 'public.items' ? { ...t, ...patch } : t)) };
}

test('a rewrite calibrated up to the production size: estimate, hold time and an info finding', async () => {
  const pm = await trace('ALTER TABLE items ALTER COLUMN qty TYPE bigint');
  const summary = await estimate([pm], { server, stats, baseSchemaDatabase: baseName, calibrationSizes: SIZES, budgetMs: 20_000 });
  const [statement] = pm.migration.statements;
  expect(statement.estimate).toMatchObject({ class: 'table-rewrite' });
  expect(statement.estimate!.lowMs).toBeCloseTo(statement.estimate!.ms * 0.5, 6);
  // No extrapolation, so no widening: the production size is the largest calibrated one, give or
  // take the few pages a synthetic table's heap differs by (CI saw ×1.005 under load).
  expect(statement.estimate!.highMs / statement.estimate!.ms).toBeCloseTo(3, 1);
  expect(statement.estimate!.basis).toMatch(/fitted on 1\.0 k\/3\.0 k\/10 k synthetic rows/);
  // The rewrite's index rebuilds (the primary key) are timed with REINDEX and fitted as a sort.
  expect(statement.estimate!.basis).toMatch(/T = heap copy: fixed \+ per-byte cost × heap\+TOAST bytes = .*; plus index rebuilds \(REINDEX timed apart\): fixed \+ cost × n·log2 n = /);
  expect(statement.estimate!.basis).toMatch(/production \d+(\.\d)? [kM]B heap\+TOAST of public\.items \(10 k rows\)/);
  const window = pm.migration.lockWindows!.find((w) => w.relation === 'public.items')!;
  expect(window.estimatedHoldMs).toBeCloseTo(statement.estimate!.ms, 6);
  expect(statement.findings.find((f) => f.rule === 'lock-hold-time')).toMatchObject({ severity: 'info' });
  expect(summary).toMatchObject({ basis: 'production', calibratedStatements: 1, estimatedStatements: 1 });
  expect(renderEstimateText([pm.migration], summary)).toMatch(/migrations\/001_change\.sql: ~.*\n {4}1\. table-rewrite: ~/);
});

test('the same rewrite on a 50 GB table is an error; on a 10-row table info', async () => {
  const huge = await trace('ALTER TABLE items ALTER COLUMN qty TYPE bigint');
  await estimate([huge], { server, stats: withItems({ reltuples: 500e6, heapBytes: 50 * 1024 ** 3 }), baseSchemaDatabase: baseName, calibrationSizes: SIZES });
  const big = huge.migration.statements[0];
  expect(big.estimate!.ms).toBeGreaterThan(60_000);
  expect(big.estimate!.basis).toMatch(/extrapolated \d+× beyond the largest calibrated size \(> 100×\)/);
  expect(big.findings.find((f) => f.rule === 'lock-hold-time')).toMatchObject({ severity: 'error' });
  // Migration total against 3 min / 10 min.
  expect(huge.migration.findings.some((f) => f.rule === 'long-migration')).toBe(big.estimate!.ms > 180_000);

  const tiny = await trace('ALTER TABLE items ALTER COLUMN qty TYPE bigint');
  await estimate([tiny], { server, stats: withItems({ reltuples: 10, heapBytes: 8192 }), baseSchemaDatabase: baseName, calibrationSizes: SIZES });
  expect(tiny.migration.statements[0].estimate!.basis).toMatch(/fitted on 10 synthetic rows/);
  expect(tiny.migration.statements[0].findings.find((f) => f.rule === 'lock-hold-time')).toMatchObject({ severity: 'info' });
  expect(tiny.migration.findings).toEqual([]);
});

test('earlier statements of the change are applied before calibrating later ones; metadata keeps the CI time', async () => {
  const pm = await trace(`ALTER TABLE items ADD COLUMN qty_copy bigint;
UPDATE items SET qty_copy = qty;
ALTER TABLE items ADD CONSTRAINT items_owner_fk FOREIGN KEY (qty) REFERENCES owners (id) NOT VALID;
ALTER TABLE items VALIDATE CONSTRAINT items_owner_fk;
CREATE INDEX CONCURRENTLY items_label_idx ON items (label)`);
  const summary = await estimate([pm], { server, stats, baseSchemaDatabase: baseName, calibrationSizes: SIZES, budgetMs: 30_000 });
  const classes = pm.migration.statements.map((s) => s.estimate?.class);
  expect(classes).toEqual(['metadata', 'dml-backfill', 'metadata', 'fk-validation', 'concurrent-index-build']);
  const [add, update, , validate, cic] = pm.migration.statements;
  expect(add.estimate!.ms).toBe(add.durationMs);
  expect(add.estimate!.basis).toMatch(/metadata-only/);
  expect(update.estimate!.basis).toMatch(/fitted on/);
  expect(validate.estimate!.basis).toMatch(/10 k rows in public\.items \+ 1\.0 k in public\.owners/);
  expect(cic.estimate!.basis).toMatch(/plus waits for transactions running in production/);
  // Index sorts are fitted in n·log2 n, with the worker count production's table size gets.
  expect(cic.estimate!.basis).toMatch(/T = fixed \+ cost × n·log2 n/);
  expect(cic.estimate!.basis).toMatch(/index sorts calibrated with production's \d parallel worker\(s\)/);
  expect(validate.estimate!.basis).toMatch(/n·log2 n \(n = child \+ parent rows/);
  expect(update.estimate!.basis).toMatch(/per-row cost × rows/);
  expect(validate.estimate!.basis).toMatch(/join memory scaled with the data/);
  expect(update.estimate!.basis).toMatch(/median of up to 5 runs each/);
  expect(summary.calibratedStatements).toBe(3);
  expect(pm.migration.statements.flatMap((s) => s.findings).filter((f) => f.rule === 'estimate-unavailable')).toEqual([]);
});

test('without stats: the CI duration, labelled as such, and no production number anywhere', async () => {
  const pm = await trace('ALTER TABLE items ALTER COLUMN qty TYPE bigint');
  const summary = await estimate([pm], { server, stats: null, baseSchemaDatabase: baseName });
  const [statement] = pm.migration.statements;
  expect(statement.estimate).toEqual({
    ms: statement.durationMs,
    lowMs: statement.durationMs,
    highMs: statement.durationMs,
    class: 'table-rewrite',
    basis: expect.stringMatching(/^CI database only: no production statistics/),
  });
  expect(pm.migration.lockWindows!.every((w) => w.estimatedHoldMs === null)).toBe(true);
  expect(statement.findings).toEqual([]);
  expect(summary.basis).toBe('ci-only');
  expect(renderEstimateText([pm.migration], summary)).toMatch(/^Durations: CI database only \(no --stats\): these are not production estimates\./);
});

test('no time left to calibrate: no invented number, a warning instead; the base schema is left untouched', async () => {
  const pm = await trace('CREATE INDEX items_qty_idx ON items (qty)');
  await estimate([pm], { server, stats, baseSchemaDatabase: baseName, budgetMs: 0 });
  const [statement] = pm.migration.statements;
  expect(statement.estimate!.ms).toBe(statement.durationMs);
  expect(statement.estimate!.basis).toMatch(/^not calibrated \(no calibration size fitted in the time budget\): .* the duration there is unknown/);
  expect(statement.findings.find((f) => f.rule === 'estimate-unavailable')).toMatchObject({ severity: 'warning' });
  const counts = await withClient(server.urlFor(baseName), async (c) => (await c.query('SELECT count(*)::int AS n FROM items')).rows[0].n);
  expect(counts).toBe(0);
});
