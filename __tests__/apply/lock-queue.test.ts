/**
 * The lock queue: a deploy blocked by a long reader retries with backoff and reports cleanly, and
 * application queries never wait long behind a migration (lock_timeout, watchdog).
 */
import { deploy } from '../../src/deploy';
import type { DeployOptions } from '../../src/deploy';
import { loadParser } from '../../src/parse/parser';
import { connect, withClient } from '../../src/util/pg';
import { createTestDatabase, dropTestDatabases } from '../support/pg';
import { migration } from '../deploy/helpers';

jest.setTimeout(60_000);
beforeAll(loadParser);
afterAll(dropTestDatabases);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function seeded(rows = 1000): Promise<string> {
  const url = await createTestDatabase();
  await withClient(url, (c) => c.query(`CREATE TABLE accounts (id int PRIMARY KEY, email text); INSERT INTO accounts SELECT g, 'u' || g FROM generate_series(1, ${rows}) g;`));
  return url;
}

function options(url: string, extra: Partial<DeployOptions>): DeployOptions & { lines: string[] } {
  const lines: string[] = [];
  return {
    databaseUrl: url,
    migrations: [migration({ id: '001', description: 'add plan', sql: 'ALTER TABLE accounts ADD COLUMN plan text;' })],
    backup: 'none',
    lockTimeout: '300ms',
    retryDelay: '200ms',
    retryMaxDelay: '500ms',
    log: (line) => lines.push(line),
    lines,
    ...extra,
  };
}

/** A reader holding ACCESS SHARE on accounts in an open transaction. */
async function longReader(url: string) {
  const reader = await connect(url, { application_name: 'long-report' });
  await reader.query('BEGIN; SELECT count(*) FROM accounts;');
  return {
    async end() {
      await reader.query('COMMIT');
      await reader.end();
    },
  };
}

/** Time one application query (a plain SELECT on the table). */
async function timedAppQuery(url: string): Promise<number> {
  const app = await connect(url, { application_name: 'app' });
  try {
    const t0 = Date.now();
    await app.query('SELECT count(*) FROM accounts');
    return Date.now() - t0;
  } finally {
    await app.end();
  }
}

test('blocked by a long reader: retries on lock timeout, app queries keep flowing, then applies', async () => {
  const url = await seeded();
  const reader = await longReader(url);
  const opts = options(url, { retries: 20, longTransactionLimit: '100ms' });
  await sleep(200);
  const running = deploy(opts);
  await sleep(700);
  const appWait = await timedAppQuery(url); // arrives while the ALTER is queued behind the reader
  await sleep(800);
  await reader.end();
  const result = await running;

  expect(result.outcome).toBe('applied');
  expect(result.migrations[0].retries).toBeGreaterThan(0);
  expect(result.migrations[0].statements[0].attempts).toBe(result.migrations[0].retries + 1);
  expect(opts.lines.some((l) => /^\[1\/1\] 001: lock timeout, retry 1\/20 in \d+ ms/.test(l))).toBe(true);
  const sessions = result.preflight.find((l) => l.check === 'sessions')!;
  expect(sessions.status).toBe('warn');
  expect(sessions.message).toMatch(/pid \d+ \(long-report\) holds AccessShareLock on accounts/);
  // Behind a waiting ALTER without lock_timeout the SELECT would have waited for the reader (~0.8 s+ more).
  expect(appWait).toBeLessThan(600);
  expect(result.summary).toMatch(/applied +001 add plan \(transaction, .*retr/);
});

test('blocked past its retries: fails cleanly with SQLSTATE 55P03 and leaves nothing but a failed row', async () => {
  const url = await seeded();
  const reader = await longReader(url);
  try {
    const result = await deploy(options(url, { retries: 2 }));
    expect(result.outcome).toBe('failed');
    expect(result.exitCode).toBe(1);
    expect(result.migrations[0]).toMatchObject({ status: 'failed', retries: 2, error: { code: '55P03' } });
    expect(result.summary).toContain('rolled back: nothing of it remains; the next deploy retries it');
    const rows = await withClient(url, (c) => c.query('SELECT status, blocks_deploy FROM drydock.migration_history'));
    expect(rows.rows).toEqual([{ status: 'failed', blocks_deploy: false }]);
  } finally {
    await reader.end();
  }
  expect((await deploy(options(url, {}))).outcome).toBe('applied');
});

test('watchdog: cancels a migration that app queries queue behind, then retries and applies', async () => {
  const url = await seeded();
  const opts = options(url, {
    migrations: [migration({ id: '001', description: 'slow alter', sql: 'ALTER TABLE accounts ADD COLUMN note text;\nSELECT pg_sleep(1.5);' })],
    lockTimeout: '5s',
    watchdogBound: '300ms',
    watchdogInterval: '50ms',
    retries: 3,
  });
  const running = deploy(opts);
  await sleep(400); // the migration now holds ACCESS EXCLUSIVE on accounts
  const appWait = await timedAppQuery(url);
  const result = await running;
  expect(result.outcome).toBe('applied');
  expect(result.migrations[0].retries).toBeGreaterThanOrEqual(1);
  expect(opts.lines.some((l) => /^watchdog: 1 session\(s\) queued behind the migration for .* \(bound 300 ms\); cancelling/.test(l))).toBe(true);
  expect(opts.lines.some((l) => /watchdog cancel, retry 1\/3/.test(l))).toBe(true);
  expect(appWait).toBeLessThan(1200);
});

test('reports pg_stat_progress_create_index during a long index build', async () => {
  const url = await seeded(400_000);
  const opts = options(url, {
    migrations: [migration({ id: '001', description: 'email index', sql: 'CREATE INDEX CONCURRENTLY accounts_email_idx ON accounts (email);', transactional: false })],
    watchdogInterval: '50ms',
  });
  const result = await deploy(opts);
  expect(result.outcome).toBe('applied');
  expect(result.migrations[0].mode).toBe('statements');
  expect(opts.lines.some((l) => /^index build .* on accounts: /.test(l))).toBe(true);
});
