/**
 * A 1M-row batched backfill deployed by a child process, killed with SIGKILL midway, and resumed by a
 * second deploy: every row ends updated exactly once (counter = 1), progress is recorded, and the
 * dry run's estimate (one traced batch × batches + pauses) is compared with the measured time.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Client } from 'pg';
import { deploy } from '../../src/deploy';
import { dryRun } from '../../src/dryrun';
import { startEphemeralServer } from '../../src/dryrun/providers';
import { loadMigrations } from '../../src/engine/load';
import { connect } from '../../src/util/pg';
import { createTestDatabase, dropTestDatabases, testServerUrl } from '../support/pg';
import { migrationDir, removeMigrationDirs } from './support/fixtures';

const ROWS = 1_000_000;
const FILES = {
  '0001_items.sql': `CREATE TABLE items (id bigint PRIMARY KEY, counter integer NOT NULL DEFAULT 0, note text);
INSERT INTO items (id) SELECT g FROM generate_series(1, ${ROWS}) AS g;`,
  '0002_backfill.sql': `-- drydock:batch key=id size=50000 pause=20ms max-lock-wait=200ms
UPDATE items SET counter = counter + 1, note = 'backfilled';`,
};

afterAll(async () => {
  await dropTestDatabases();
  removeMigrationDirs();
});

async function scalar<T>(client: Client, sql: string): Promise<T> {
  return Object.values((await client.query(sql)).rows[0])[0] as T;
}

/** An application query that keeps touching random rows while the backfill runs; its slowest call is the lock wait it suffered. */
function startProbe(client: Client): { stop(): Promise<{ calls: number; maxMs: number }> } {
  let running = true;
  let calls = 0;
  let maxMs = 0;
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      await client.query('UPDATE items SET note = note WHERE id = $1', [1 + Math.floor(Math.random() * ROWS)]);
      maxMs = Math.max(maxMs, performance.now() - t0);
      calls++;
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { calls, maxMs };
    },
  };
}

test('a killed 1M-row backfill resumes at the next batch and updates every row exactly once', async () => {
  const dir = migrationDir(FILES);
  const url = await createTestDatabase();

  // The PR dry run: traces one batch and estimates the whole backfill.
  const { migrations } = await loadMigrations({ cwd: dir, dirs: ['.'] });
  migrations[0].migration.isNew = false;
  const server = await startEphemeralServer({ shadowUrl: testServerUrl() });
  try {
    await dryRun(migrations, { server, roundTrip: false });
  } finally {
    await server.stop();
  }
  const traced = migrations[1].migration.statements[0];
  expect(traced.batch).toMatchObject({ key: 'id', size: 50_000, totalRows: ROWS, batches: 20, tracedKeys: 50_000, tracedRows: 50_000 });
  expect(traced.batch!.batchSql).toContain("items.id <= '50000'");
  // The traced window is one batch: the row locks of 50k rows, not the table's.
  expect(traced.rows).toBe(50_000);

  // Deploy in a child process; kill it with SIGKILL once a third of the keys are done.
  const child = spawn(process.execPath, [path.join(__dirname, 'support/deploy-child.js')], {
    env: { ...process.env, DRYDOCK_CHILD_URL: url, DRYDOCK_CHILD_DIR: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let childOutput = '';
  child.stdout.on('data', (d) => (childOutput += d));
  child.stderr.on('data', (d) => (childOutput += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal === 'SIGKILL' ? -9 : _code)));
  const watcher = await connect(url);
  try {
    let keysAtKill = 0;
    for (let i = 0; i < 1200 && keysAtKill < 300_000; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const { rows } = await watcher.query("SELECT to_regclass('drydock.batch_progress') IS NOT NULL AS ready");
      if (!rows[0].ready) continue;
      keysAtKill = Number(await scalar(watcher, "SELECT coalesce(max(keys_done), 0) FROM drydock.batch_progress WHERE version = '0002'"));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe(-9);
    expect(keysAtKill).toBeGreaterThanOrEqual(300_000);

    // Data and progress agree after the crash: exactly the recorded keys are done.
    const after = (await watcher.query("SELECT keys_done, done, last_key FROM drydock.batch_progress WHERE version = '0002'")).rows[0];
    expect(after.done).toBe(false);
    const doneRows = Number(await scalar(watcher, 'SELECT count(*) FROM items WHERE counter = 1'));
    expect(doneRows).toBe(Number(after.keys_done));
    expect(doneRows).toBeLessThan(ROWS);
    expect(await scalar(watcher, "SELECT status FROM drydock.migration_history WHERE version = '0002' ORDER BY id DESC LIMIT 1")).toBe('running');

    // The next deploy resumes, while an application query keeps writing to the table.
    const probeClient = await connect(url);
    const probe = startProbe(probeClient);
    const lines: string[] = [];
    const started = performance.now();
    const result = await deploy({ databaseUrl: url, cwd: dir, dirs: ['.'], backup: 'none', log: (l) => lines.push(l) });
    const resumedMs = performance.now() - started;
    const probed = await probe.stop();
    await probeClient.end();
    expect(result.outcome).toBe('applied');
    expect(lines.some((l) => l.includes(`resuming after key ${after.last_key}`))).toBe(true);
    expect(lines.some((l) => /keys \(\d+%\), .* keys\/s, ETA/.test(l))).toBe(true);

    expect(await scalar(watcher, 'SELECT count(*) FROM items WHERE counter <> 1')).toBe('0');
    const final = (await watcher.query("SELECT keys_done, rows_done, total, batches, done, elapsed_ms, max_batch_ms FROM drydock.batch_progress WHERE version = '0002'")).rows[0];
    expect(final).toMatchObject({ keys_done: String(ROWS), done: true });
    // 20 batches of 50k, or a few more: a batch that makes the probe's writes wait longer than the
    // bound halves the next one (adaptSize), which a loaded machine can trigger.
    expect(Number(final.batches)).toBeGreaterThanOrEqual(20);
    expect(Number(final.rows_done)).toBe(ROWS);
    expect(await scalar(watcher, "SELECT status FROM drydock.migration_history WHERE version = '0002' ORDER BY id DESC LIMIT 1")).toBe('applied');

    const backfill = result.migrations[0].backfill!;
    const resumedBatches = backfill.batches - 1; // the last "batch" only finds the end
    const estimateMs = traced.batch!.estimatedTotalMs;
    const measuredFullMs = Number(final.elapsed_ms) + 19 * 20; // every batch's transaction + the pauses between them
    console.log(
      [
        `backfill 1M rows: estimate ${estimateMs} ms (dry run: ${traced.batch!.tracedBatchMs} ms/batch × 20 + 19 × 20 ms pauses)`,
        `measured: batch transactions ${final.elapsed_ms} ms + pauses = ${measuredFullMs} ms over both runs; longest batch ${Math.round(final.max_batch_ms)} ms`,
        `resumed run: ${resumedBatches} batches in ${Math.round(resumedMs)} ms (deploy wall time incl. pre-flight)`,
        `lock waits: monitor saw max ${Math.round(backfill.maxLockWaitMs)} ms behind the backfill; probe ${probed.calls} updates, slowest ${Math.round(probed.maxMs)} ms`,
        `child output at kill: ${childOutput.split('\n').filter((l) => l.includes('backfill')).slice(-1)[0] ?? '(none)'}`,
      ].join('\n'),
    );
    // The probe waited at most about one batch's row locks, never the whole backfill.
    expect(probed.calls).toBeGreaterThan(0);
    expect(probed.maxMs).toBeLessThan(Number(final.max_batch_ms) + 1000);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await watcher.end();
  }
}, 120_000);
