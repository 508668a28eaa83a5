/**
 * Two deploys started together: exactly one applies each migration, the other waits for the lock
 * and reports cleanly; a migration with CREATE INDEX CONCURRENTLY does not deadlock with the waiter.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { deploy, DEPLOY_LOCK_KEY, status } from '../../src/deploy';
import type { DeployResult } from '../../src/deploy';
import { loadParser } from '../../src/parse/parser';
import { connect, withClient } from '../../src/util/pg';
import { createTestDatabase, dropTestDatabases } from '../support/pg';
import { migration, MigrationSpec } from './helpers';

jest.setTimeout(120_000);
beforeAll(loadParser);
afterAll(dropTestDatabases);

const SPECS: MigrationSpec[] = [
  {
    id: '001',
    description: 'events',
    sql: "CREATE TABLE events (id bigint PRIMARY KEY, kind text NOT NULL);\nINSERT INTO events SELECT g, 'k' || (g % 50) FROM generate_series(1, 60000) g;",
  },
  { id: '002', description: 'events kind index', sql: 'CREATE INDEX CONCURRENTLY events_kind_idx ON events (kind);', transactional: false },
  { id: '003', description: 'events note', sql: 'ALTER TABLE events ADD COLUMN note text;' },
];

async function appliedRows(url: string): Promise<{ version: string; n: number }[]> {
  return withClient(url, async (c) =>
    (await c.query<{ version: string; n: number }>("SELECT version, count(*)::int AS n FROM drydock.migration_history WHERE status = 'applied' GROUP BY version ORDER BY version")).rows,
  );
}

function expectExactlyOneApplied(results: Pick<DeployResult, 'outcome' | 'migrations' | 'preflight'>[]): void {
  const outcomes = results.map((r) => r.outcome).sort();
  expect(outcomes).toEqual(['applied', 'up-to-date']);
  const waiter = results.find((r) => r.outcome === 'up-to-date')!;
  expect(waiter.migrations).toEqual([]);
  expect(waiter.preflight.find((l) => l.check === 'deploy lock')?.status).toBe('pass');
  expect(waiter.preflight.find((l) => l.check === 'pending migrations')?.message).toContain('up to date (3 applied)');
}

test('two deploy() calls at once, five times: exactly one applies, the other waits and reports up to date', async () => {
  let waitedDuringApply = 0;
  for (let round = 0; round < 5; round++) {
    const url = await createTestDatabase();
    const run = (actor: string) =>
      deploy({ databaseUrl: url, migrations: SPECS.map(migration), actor, backup: 'none', lockWaitLimit: '60s' });
    const results = await Promise.all([run('alice'), run('bob')]);
    expectExactlyOneApplied(results);
    const waiter = results.find((r) => r.outcome === 'up-to-date')!;
    if (waiter.preflight.find((l) => l.check === 'deploy lock')?.message.startsWith('acquired after waiting')) waitedDuringApply++;
    expect(await appliedRows(url)).toEqual([
      { version: '001', n: 1 },
      { version: '002', n: 1 },
      { version: '003', n: 1 },
    ]);
    const index = await withClient(url, (c) => c.query("SELECT indisvalid FROM pg_index WHERE indexrelid = 'events_kind_idx'::regclass"));
    expect(index.rows[0].indisvalid).toBe(true);
  }
  // The waiter polled while the other deploy ran its CREATE INDEX CONCURRENTLY, and neither hung.
  expect(waitedDuringApply).toBeGreaterThan(0);
});

test('two real processes at once: exactly one applies', async () => {
  const script = path.join(__dirname, 'fixtures', 'deploy-process.js');
  expect(fs.existsSync(path.join(__dirname, '..', '..', 'lib', 'deploy', 'index.js'))).toBe(true); // built by `npx tsc` / pretest
  const run = promisify(execFile);
  for (let round = 0; round < 2; round++) {
    const url = await createTestDatabase();
    const specs = JSON.stringify(SPECS.map((s) => ({ ...s, transactional: s.transactional ?? true })));
    const outputs = await Promise.all(['alice', 'bob'].map((actor) => run(process.execPath, [script, url, specs, actor], { timeout: 90_000 })));
    const results = outputs.map((o) => JSON.parse(o.stdout) as DeployResult);
    expectExactlyOneApplied(results);
    expect(await appliedRows(url)).toHaveLength(3);
  }
});

test('a deploy waiting past the limit reports the holder and applies nothing', async () => {
  const url = await createTestDatabase();
  const holder = await connect(url);
  try {
    await holder.query('SELECT pg_advisory_lock($1::bigint)', [DEPLOY_LOCK_KEY]);
    const result = await deploy({ databaseUrl: url, migrations: SPECS.map(migration), backup: 'none', lockWaitLimit: '700ms' });
    expect(result.outcome).toBe('lock-timeout');
    expect(result.exitCode).toBe(1);
    const line = result.preflight.find((l) => l.check === 'deploy lock')!;
    expect(line.status).toBe('fail');
    expect(line.message).toMatch(/another deploy is running: unknown \(pid \d+\).*gave up after/);
    expect(result.summary).toContain('another deploy is running, nothing applied');
    const st = await status({ databaseUrl: url });
    expect(st.lock?.pid).toBe((await holder.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
  } finally {
    await holder.end();
  }
});

test('status names the running deploy as the lock holder', async () => {
  const url = await createTestDatabase();
  const slow = [migration({ id: '001', description: 'slow', sql: 'CREATE TABLE s (id int);\nSELECT pg_sleep(1.5);' })];
  const running = deploy({ databaseUrl: url, migrations: slow, actor: 'carol', backup: 'none', deployId: 'run-42' });
  // Between taking the lock and writing migration_locks the holder shows as "unknown"; wait past that.
  let seen = null;
  for (let i = 0; i < 40 && (!seen || seen.holder === 'unknown'); i++) {
    await new Promise((r) => setTimeout(r, 50));
    seen = (await status({ databaseUrl: url })).lock;
  }
  expect(seen).toMatchObject({ holder: 'carol', deployId: 'run-42' });
  expect((await running).outcome).toBe('applied');
  expect((await status({ databaseUrl: url })).lock).toBeNull();
});
