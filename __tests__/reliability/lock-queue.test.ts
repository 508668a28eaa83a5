/**
 * The lock queue: a long transaction holds a lock on the target table while application-like
 * queries keep arriving. The deploy's ALTER queues behind the long transaction and the application
 * queues behind the ALTER — the classic outage. drydock must bound that: lock_timeout fires (or the
 * watchdog cancels), it retries with backoff, and it gives up cleanly, nothing applied. Every
 * application query's latency is measured; the worst is printed and bounded.
 */
import { performance } from 'node:perf_hooks';
import type { Client } from 'pg';
import { deploy } from '../../src/deploy';
import { connect, withClient } from '../../src/util/pg';
import { historyOf, migrationProject, type MigrationProject } from '../support/fault-deploy';
import { createTestDatabase, dropTestDatabases } from '../support/pg';

/** Scheduling noise on a shared 2-core machine, on top of the configured bound. */
const SLACK_MS = 250;
const APP_CLIENTS = 4;

jest.setTimeout(120_000);
let project: MigrationProject;
beforeAll(() => {
  project = migrationProject({ '001_accounts_flag.sql': 'ALTER TABLE accounts ADD COLUMN flag boolean;\n' });
});
afterAll(async () => {
  project.remove();
  await dropTestDatabases();
});

async function accountsDatabase(): Promise<string> {
  const url = await createTestDatabase();
  await withClient(url, (c) =>
    c.query('CREATE TABLE accounts (id int PRIMARY KEY, balance bigint NOT NULL); INSERT INTO accounts SELECT g, 0 FROM generate_series(1, 1000) g'),
  );
  return url;
}

interface AppLoad {
  stop(): Promise<{ queries: number; worstMs: number; p99Ms: number }>;
}

/** Application-like traffic: each client alternates a point read and a point update, every 10 ms. */
async function startAppLoad(url: string): Promise<AppLoad> {
  const clients: Client[] = [];
  for (let i = 0; i < APP_CLIENTS; i++) clients.push(await connect(url, { application_name: 'app' }));
  const latencies: number[] = [];
  let running = true;
  const loops = clients.map(async (c, n) => {
    for (let i = 0; running; i++) {
      const id = 1 + ((i * 37 + n * 101) % 1000);
      const t0 = performance.now();
      if (i % 2) await c.query('UPDATE accounts SET balance = balance + 1 WHERE id = $1', [id]);
      else await c.query('SELECT balance FROM accounts WHERE id = $1', [id]);
      latencies.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 10));
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      await Promise.all(clients.map((c) => c.end()));
      const sorted = [...latencies].sort((a, b) => a - b);
      return { queries: sorted.length, worstMs: Math.round(sorted[sorted.length - 1]), p99Ms: Math.round(sorted[Math.floor(sorted.length * 0.99)]) };
    },
  };
}

/** A long transaction (a report, a stuck worker) holding ACCESS SHARE on accounts. */
async function holdLongTransaction(url: string): Promise<Client> {
  const c = await connect(url, { application_name: 'long-report' });
  await c.query('BEGIN');
  await c.query('SELECT count(*) FROM accounts');
  return c;
}

async function columnExists(url: string): Promise<boolean> {
  return withClient(url, async (c) => (await c.query("SELECT 1 FROM pg_attribute WHERE attrelid = 'accounts'::regclass AND attname = 'flag'")).rowCount === 1);
}

test('lock_timeout fires, the deploy retries with backoff, gives up cleanly; the application stays within the bound', async () => {
  const url = await accountsDatabase();
  const lockTimeoutMs = 300;
  const long = await holdLongTransaction(url);
  const load = await startAppLoad(url);
  const logs: string[] = [];
  const started = Date.now();
  const result = await deploy({
    databaseUrl: url,
    cwd: project.cwd,
    dirs: project.dirs,
    backup: 'none',
    actor: 'lock-queue',
    lockTimeout: `${lockTimeoutMs}ms`,
    retries: 3,
    retryDelay: '200ms',
    retryMaxDelay: '800ms',
    // The watchdog's bound is above lock_timeout here: this test is about lock_timeout alone.
    watchdogBound: '5s',
    log: (l) => logs.push(l),
  });
  const elapsed = Date.now() - started;
  const app = await load.stop();
  await long.query('ROLLBACK');
  await long.end();
  // eslint-disable-next-line no-console
  console.log(
    `lock-queue (lock_timeout ${lockTimeoutMs}ms): ${app.queries} application queries, worst ${app.worstMs} ms, p99 ${app.p99Ms} ms; ` +
      `deploy gave up after ${elapsed} ms and ${result.migrations[0]?.retries} retries`,
  );

  expect(result.outcome).toBe('failed');
  expect(result.exitCode).toBe(1);
  const m = result.migrations[0];
  expect(m.status).toBe('failed');
  expect(m.retries).toBe(3);
  expect(m.error?.code).toBe('55P03');
  expect(m.error?.path).toBe('db/migrations/001_accounts_flag.sql');
  // Backoff: each retry announced with its delay, doubling (with jitter) from 200ms.
  const delays = logs.map((l) => /lock timeout, retry (\d)\/3 in (\d+) ms/.exec(l)).filter(Boolean).map((x) => Number(x![2]));
  expect(delays).toHaveLength(3);
  [200, 400, 800].forEach((ceiling, i) => {
    expect(delays[i]).toBeGreaterThanOrEqual(ceiling / 2);
    expect(delays[i]).toBeLessThanOrEqual(ceiling);
  });
  // Four attempts of ≤300ms plus the delays: it gave up, it did not hang.
  expect(elapsed).toBeLessThan(4 * lockTimeoutMs + 1400 + 3000);
  expect(app.worstMs).toBeLessThanOrEqual(lockTimeoutMs + SLACK_MS);
  expect(app.queries).toBeGreaterThan(50);

  // Cleanly: nothing applied, a failed row that does not block, and the next deploy succeeds.
  expect(await columnExists(url)).toBe(false);
  await withClient(url, async (c) => {
    expect((await historyOf(c)).map((r) => [r.version, r.status, r.blocks_deploy])).toEqual([['001', 'failed', false]]);
  });
  const retry = await deploy({ databaseUrl: url, cwd: project.cwd, dirs: project.dirs, backup: 'none', actor: 'lock-queue' });
  expect(retry.outcome).toBe('applied');
  expect(await columnExists(url)).toBe(true);
});

test('with a long lock_timeout, the watchdog bounds the application queue instead', async () => {
  const url = await accountsDatabase();
  const boundMs = 500;
  const intervalMs = 100;
  const long = await holdLongTransaction(url);
  const load = await startAppLoad(url);
  const logs: string[] = [];
  const result = await deploy({
    databaseUrl: url,
    cwd: project.cwd,
    dirs: project.dirs,
    backup: 'none',
    actor: 'watchdog',
    lockTimeout: '20s',
    retries: 1,
    retryDelay: '200ms',
    watchdogBound: `${boundMs}ms`,
    watchdogInterval: `${intervalMs}ms`,
    log: (l) => logs.push(l),
  });
  const app = await load.stop();
  await long.query('ROLLBACK');
  await long.end();
  // eslint-disable-next-line no-console
  console.log(`lock-queue (watchdog bound ${boundMs}ms, interval ${intervalMs}ms): ${app.queries} application queries, worst ${app.worstMs} ms, p99 ${app.p99Ms} ms`);

  expect(result.outcome).toBe('failed');
  expect(result.migrations[0].retries).toBe(1);
  expect(result.migrations[0].error?.code).toBe('57014');
  expect(logs.some((l) => /watchdog cancel, retry 1\/1/.test(l))).toBe(true);
  expect(app.worstMs).toBeLessThanOrEqual(boundMs + intervalMs + SLACK_MS);
  expect(await columnExists(url)).toBe(false);
});
