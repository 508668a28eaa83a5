/**
 * The snapshot reads catalog statistics only. Proof: it runs as a role that has pg_read_all_stats
 * but no SELECT on the seeded table (a SELECT by that role fails), the seeded marker value appears
 * nowhere in the output, and the table's scan counters do not move.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { COLUMN_STATS_FUNCTION_SQL, takeSnapshot } from '../../src/snapshot';
import { withClient } from '../../src/util/pg';
import { createTestDatabase, dropTestDatabases, testServerUrl, testServerVersions } from '../support/pg';

const MARKER = 'SECRET-ROW-VALUE-4f2a';

describe.each(testServerVersions())('PostgreSQL %s', (major) => {
  const role = `drydock_stats_${randomBytes(3).toString('hex')}`;
  let dbUrl: string;
  let roleUrl: string;

  beforeAll(async () => {
    dbUrl = await createTestDatabase(major);
    await withClient(dbUrl, async (c) => {
      await c.query(`CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL, note text, plan int)`);
      await c.query(`CREATE INDEX accounts_plan_idx ON accounts (plan) WHERE plan > 0`);
      await c.query(
        `INSERT INTO accounts SELECT i, '${MARKER}-' || i || '@example.com', CASE WHEN i % 2 = 0 THEN NULL ELSE repeat('x', 40) END, i % 5
           FROM generate_series(1, 5000) i`,
      );
      await c.query('ANALYZE accounts');
      await c.query(`CREATE ROLE ${role} LOGIN`);
      await c.query(`GRANT pg_read_all_stats TO ${role}`);
    });
    const u = new URL(dbUrl);
    u.username = role;
    roleUrl = u.toString();
  });

  afterAll(async () => {
    await dropTestDatabases();
    await withClient(testServerUrl(major), (c) => c.query(`DROP ROLE IF EXISTS ${role}`)).catch(() => undefined);
  });

  async function scanCounters(): Promise<string> {
    return withClient(dbUrl, async (c) => {
      await c.query('SELECT pg_stat_clear_snapshot()');
      const { rows } = await c.query(`SELECT seq_scan, coalesce(idx_scan, 0) AS idx_scan, seq_tup_read FROM pg_stat_user_tables WHERE relname = 'accounts'`);
      return JSON.stringify(rows[0]);
    });
  }

  test('the snapshot role cannot read the rows at all', async () => {
    await expect(withClient(roleUrl, (c) => c.query('SELECT email FROM accounts LIMIT 1'))).rejects.toMatchObject({ code: '42501' });
  });

  test('sizes, indexes and settings without reading a row; column stats hidden by pg_stats are reported missing', async () => {
    const before = await scanCounters();
    const snapshot = await takeSnapshot(roleUrl);
    await sleep(300); // the snapshot backend flushes its statistics when it exits
    expect(await scanCounters()).toBe(before);

    const table = snapshot.tables.find((t) => t.name === 'public.accounts')!;
    expect(table).toBeDefined();
    expect(table.reltuples).toBe(5000);
    expect(table.heapBytes).toBeGreaterThan(8192 * 10);
    expect(table.indexBytes).toBeGreaterThan(0);
    expect(table.indexes.map((i) => i.name).sort()).toEqual(['accounts_pkey', 'accounts_plan_idx']);
    expect(table.indexes.find((i) => i.primary)?.definition).toMatch(/UNIQUE INDEX accounts_pkey ON public\.accounts USING btree \(id\)/);
    expect(table.indexes.find((i) => i.name === 'accounts_plan_idx')?.definition).toMatch(/WHERE \(plan > 0\)/);
    expect(table.columns.map((c) => [c.name, c.type, c.notNull])).toEqual([
      ['id', 'bigint', true],
      ['email', 'text', true],
      ['note', 'text', false],
      ['plan', 'integer', false],
    ]);
    // pg_stats hides columns the role cannot SELECT: no guessing, a note instead.
    expect(table.columns.every((c) => c.avgWidth === null && c.nullFrac === null)).toBe(true);
    expect(snapshot.notes.join('\n')).toMatch(/no column statistics visible for 1 table\(s\) \(public\.accounts\)/);

    expect(snapshot.server.blockSize).toBe(8192);
    expect(snapshot.server.maintenanceWorkMemBytes).toBeGreaterThanOrEqual(1024 * 1024);
    expect(snapshot.server.maxWalSizeBytes).toBeGreaterThan(0);
    expect(snapshot.server.versionNum).toBeGreaterThan(140000);
    expect(snapshot.server.settings.wal_level).toBeDefined();
    expect(snapshot.workload).toBeNull();
    expect(JSON.stringify(snapshot)).not.toContain(MARKER);
  });

  test('column shape (width, NULL fraction, distinct count) through the security-definer function, still no sample values', async () => {
    await withClient(dbUrl, async (c) => {
      await c.query(COLUMN_STATS_FUNCTION_SQL);
      await c.query(`GRANT EXECUTE ON FUNCTION drydock_column_stats() TO ${role}`);
    });
    const before = await scanCounters();
    const snapshot = await takeSnapshot(roleUrl);
    await sleep(300);
    expect(await scanCounters()).toBe(before);
    const columns = snapshot.tables.find((t) => t.name === 'public.accounts')!.columns;
    const byName = Object.fromEntries(columns.map((c) => [c.name, c]));
    expect(byName.id.nDistinct).toBe(-1);
    expect(byName.note.nullFrac).toBeCloseTo(0.5, 1);
    expect(byName.note.avgWidth).toBe(41);
    expect(byName.plan.nDistinct).toBe(5);
    expect(byName.email.avgWidth).toBeGreaterThan(30);
    expect(snapshot.notes.join('\n')).toMatch(/drydock_column_stats/);
    expect(JSON.stringify(snapshot)).not.toContain(MARKER);
  });

  test('workload rates from two samples of pg_stat_user_tables', async () => {
    const traffic = new Client({ connectionString: dbUrl });
    await traffic.connect();
    let running = true;
    const load = (async () => {
      while (running) {
        await traffic.query('SELECT count(*) FROM accounts WHERE id = 7');
        await traffic.query('UPDATE accounts SET plan = plan WHERE id = 7');
        await traffic.query('SELECT pg_stat_force_next_flush()');
        await sleep(20);
      }
    })();
    try {
      const snapshot = await takeSnapshot(roleUrl, { sampleSeconds: 1.5, schemas: ['public'] });
      const rates = snapshot.workload!.tables.find((t) => t.name === 'public.accounts')!;
      expect(snapshot.workload!.intervalSeconds).toBe(1.5);
      expect(rates.readsPerSecond).toBeGreaterThan(1);
      expect(rates.writesPerSecond).toBeGreaterThan(1);
    } finally {
      running = false;
      await load;
      await traffic.end();
    }
  });

});

test('an unreachable database is a DrydockError without the password', async () => {
  const url = 'postgres://someone:hunter2secret@127.0.0.1:1/nothing';
  const error = await takeSnapshot(url).catch((e: unknown) => e as Error);
  expect(error).toMatchObject({ name: 'DrydockError' });
  expect((error as Error).message).not.toContain('hunter2secret');
  expect((error as Error).message).toContain('127.0.0.1:1/nothing');
});
