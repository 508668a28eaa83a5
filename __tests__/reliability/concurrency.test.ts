/**
 * Concurrency: two deploys started together, 20 times (in-process pairs with a seeded start skew,
 * and every fifth round two real processes). Exactly one applies each migration; the other waits
 * and reports up to date, or gives up with a message naming the holder. The waiter never holds a
 * transaction open, so the CREATE INDEX CONCURRENTLY in the winner never deadlocks on it.
 */
import { deploy, type DeployResult } from '../../src/deploy';
import { connect, withClient } from '../../src/util/pg';
import { historyOf, migrationProject, spawnDeployChild, waitForLockFree, type MigrationProject } from '../support/fault-deploy';
import { createPrng, seedFromEnv } from '../support/fault-prng';
import { createTestDatabase, dropTestDatabases } from '../support/pg';

const ROUNDS = 20;
const SEED = seedFromEnv(7_2026);

jest.setTimeout(180_000);
let project: MigrationProject;
beforeAll(() => {
  project = migrationProject({
    '001_events.sql':
      'CREATE TABLE events (id bigint PRIMARY KEY, kind text NOT NULL);\n' +
      "INSERT INTO events SELECT g, 'k' || (g % 50) FROM generate_series(1, 50000) g;\n",
    '002_events_kind_index.sql': 'CREATE INDEX CONCURRENTLY events_kind_idx ON events (kind);\n',
    '003_events_note.sql': 'ALTER TABLE events ADD COLUMN note text;\n',
  });
});
afterAll(async () => {
  project.remove();
  await dropTestDatabases();
});

type Outcome = Pick<DeployResult, 'outcome' | 'migrations' | 'preflight' | 'exitCode'>;

/**
 * Samples the waiting deploy's session while the round runs: seen "idle in transaction" it would
 * hold a snapshot that CREATE INDEX CONCURRENTLY has to wait for; seen blocked on a heavyweight
 * lock it would be a blocking pg_advisory_lock (the flyway#1654 hang).
 */
function watchSessions(url: string): { stop: () => Promise<{ samples: number; idleInTransaction: number; waitingOnLock: number }> } {
  let running = true;
  const counts = { samples: 0, idleInTransaction: 0, waitingOnLock: 0 };
  const loop = (async () => {
    const c = await connect(url, { application_name: 'reliability-watch' });
    try {
      while (running) {
        const { rows } = await c.query<{ state: string; wait_event_type: string | null }>(
          // Only sessions NOT holding the deploy lock: the holder is legitimately in its migration's transaction.
          `SELECT a.state, a.wait_event_type FROM pg_stat_activity a
            WHERE a.application_name = 'drydock-deploy' AND a.datname = current_database()
              AND NOT EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'advisory' AND l.granted)`,
        );
        counts.samples += rows.length;
        counts.idleInTransaction += rows.filter((r) => r.state === 'idle in transaction').length;
        counts.waitingOnLock += rows.filter((r) => r.wait_event_type === 'Lock').length;
        await new Promise((r) => setTimeout(r, 10));
      }
    } finally {
      await c.end();
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return counts;
    },
  };
}

async function inProcessPair(url: string, skewMs: number): Promise<Outcome[]> {
  const run = (actor: string, delay: number) =>
    new Promise<DeployResult>((resolve, reject) =>
      setTimeout(() => deploy({ databaseUrl: url, cwd: project.cwd, dirs: project.dirs, actor, backup: 'none', lockWaitLimit: '60s' }).then(resolve, reject), delay),
    );
  return Promise.all([run('alice', 0), run('bob', skewMs)]);
}

async function processPair(url: string): Promise<Outcome[]> {
  const runs = ['carol', 'dave'].map((actor) =>
    spawnDeployChild({ databaseUrl: url, cwd: project.cwd, dirs: project.dirs, actor, options: { lockWaitLimit: '60s' } }),
  );
  const exits = await Promise.all(runs.map((r) => r.exited));
  exits.forEach((e, i) => expect({ code: e.code, stderr: runs[i].stderr() }).toEqual({ code: 0, stderr: '' }));
  return runs.map((r) => r.result() as Outcome);
}

test(`${ROUNDS} rounds of two deploys at once: exactly one applies each migration, no deadlock`, async () => {
  const prng = createPrng(SEED);
  let waited = 0;
  let samples = 0;
  let waiterSeenWaitingOnLock = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const label = `round ${round} (seed ${SEED})`;
    const url = await createTestDatabase();
    const watch = watchSessions(url);
    const started = Date.now();
    const results = round % 5 === 4 ? await processPair(url) : await inProcessPair(url, prng.int(0, 40));
    const elapsed = Date.now() - started;
    const seen = await watch.stop();
    samples += seen.samples;
    waiterSeenWaitingOnLock += seen.waitingOnLock;
    expect({ label, idleInTransaction: seen.idleInTransaction, waitingOnLock: seen.waitingOnLock }).toEqual({ label, idleInTransaction: 0, waitingOnLock: 0 });
    // A deadlock would hang until the test timeout; a round takes well under this.
    expect(elapsed).toBeLessThan(30_000);

    expect({ label, outcomes: results.map((r) => r.outcome).sort() }).toEqual({ label, outcomes: ['applied', 'up-to-date'] });
    const loser = results.find((r) => r.outcome === 'up-to-date')!;
    expect(loser.migrations).toEqual([]);
    expect(loser.exitCode).toBe(0);
    const lockLine = loser.preflight.find((l) => l.check === 'deploy lock')!;
    expect(lockLine.status).toBe('pass');
    if (lockLine.message.startsWith('acquired after waiting')) {
      waited++;
      // The waiter says whom it waited for.
      expect(lockLine.message).toMatch(/for (alice|bob|carol|dave|unknown) \(pid \d+/);
    }
    await withClient(url, async (c) => {
      const applied = (await historyOf(c)).filter((r) => r.status === 'applied').map((r) => r.version);
      expect({ label, applied }).toEqual({ label, applied: ['001', '002', '003'] });
      const index = await c.query("SELECT indisvalid FROM pg_index WHERE indexrelid = 'events_kind_idx'::regclass");
      expect(index.rows[0].indisvalid).toBe(true);
    });
    await waitForLockFree(url, 5_000);
  }
  // eslint-disable-next-line no-console
  console.log(`concurrency: ${ROUNDS} rounds (seed ${SEED}); the loser waited for the winner in ${waited}; ${samples} samples of a waiting session, 0 idle in transaction; waiting sessions seen blocked on a heavyweight lock ${waiterSeenWaitingOnLock}`);
  expect(waited).toBeGreaterThan(ROUNDS / 2);
});

test('a deploy that cannot get the lock within its limit gives up cleanly, naming the holder', async () => {
  const url = await createTestDatabase();
  const slow = migrationProject({ '001_slow.sql': 'CREATE TABLE slow_marker (id int);\nSELECT pg_sleep(2);\n' });
  try {
    const holder = deploy({ databaseUrl: url, cwd: slow.cwd, dirs: slow.dirs, actor: 'alice', backup: 'none' });
    await new Promise((r) => setTimeout(r, 600));
    const waiter = await deploy({ databaseUrl: url, cwd: slow.cwd, dirs: slow.dirs, actor: 'bob', backup: 'none', lockWaitLimit: '400ms' });
    expect(waiter.outcome).toBe('lock-timeout');
    expect(waiter.exitCode).toBe(1);
    expect(waiter.migrations).toEqual([]);
    const line = waiter.preflight.find((l) => l.check === 'deploy lock')!;
    expect(line.status).toBe('fail');
    expect(line.message).toMatch(/^another deploy is running: alice \(pid \d+, deploy [\w-]+\) since .*; gave up after \d+ ms \(limit 400 ms\)$/);
    expect(line.fix).toContain('drydock status');
    expect(waiter.summary).toContain('another deploy is running: alice');
    expect((await holder).outcome).toBe('applied');
    await withClient(url, async (c) => expect((await historyOf(c)).map((r) => `${r.version} ${r.status}`)).toEqual(['001 applied']));
  } finally {
    slow.remove();
  }
});
