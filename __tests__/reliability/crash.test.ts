/**
 * Crash safety: a deploy process is SIGKILLed at seeded random points, during transactional and
 * non-transactional migrations. After every kill: no transactional migration is half applied, the
 * history matches the real schema, the deploy lock is free, an interrupted non-transactional
 * migration blocks the next deploy and says what to do, and following those instructions
 * (`resolve`, docs/deploy.md) lets the next deploy finish the job.
 */
import type { Client } from 'pg';
import { deploy, resolve, status } from '../../src/deploy';
import { withClient } from '../../src/util/pg';
import {
  historyOf,
  latestStatus,
  migrationProject,
  spawnDeployChild,
  waitForLockFree,
  type HistoryEntry,
  type MigrationProject,
} from '../support/fault-deploy';
import { createPrng, seedFromEnv } from '../support/fault-prng';
import { createTestDatabase, dropTestDatabases } from '../support/pg';

const TRIALS = 20;
const SEED = seedFromEnv(20261125);
const ROWS = 40_000;

const FILES = {
  '001_items.sql':
    'CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL, qty int NOT NULL);\n' +
    `INSERT INTO items SELECT g, 'item' || g, g % 100 FROM generate_series(1, ${ROWS}) g;\n` +
    'CREATE INDEX items_qty_idx ON items (qty);\n' +
    'ALTER TABLE items ADD CONSTRAINT items_qty_check CHECK (qty >= 0);\n',
  // Two concurrent builds: PostgreSQL refuses them in a transaction, so drydock runs them one by one.
  '002_items_name_indexes.sql':
    'CREATE INDEX CONCURRENTLY items_name_idx ON items (name);\n' +
    'CREATE INDEX CONCURRENTLY items_name_qty_idx ON items (name, qty);\n',
  '003_items_note.sql':
    'ALTER TABLE items ADD COLUMN note text;\n' +
    "UPDATE items SET note = 'n' || (id % 7) WHERE id % 3 = 0;\n" +
    'CREATE TABLE item_events (id bigserial PRIMARY KEY, item_id bigint REFERENCES items);\n',
};
const CIC_INDEXES = ['items_name_idx', 'items_name_qty_idx'];

jest.setTimeout(240_000);
let project: MigrationProject;
beforeAll(() => {
  project = migrationProject(FILES);
});
afterAll(async () => {
  project.remove();
  await dropTestDatabases();
});

/** What each migration's effect looks like in the catalog: 'none', 'all', or 'partial'. */
async function effects(c: Client): Promise<Record<'001' | '002' | '003', 'none' | 'all' | 'partial'>> {
  const q = async (sql: string) => (await c.query(sql)).rows[0];
  const itemsExists = (await q("SELECT to_regclass('public.items') IS NOT NULL AS e")).e as boolean;
  let e001: 'none' | 'all' | 'partial' = 'none';
  if (itemsExists) {
    const r = await q(
      `SELECT (SELECT count(*) FROM items)::int AS n, to_regclass('public.items_qty_idx') IS NOT NULL AS idx,
              EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'items_qty_check') AS chk`,
    );
    e001 = r.n === ROWS && r.idx && r.chk ? 'all' : 'partial';
  }
  const idx = (await c.query<{ relname: string; valid: boolean }>(
    `SELECT c.relname, i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = ANY($1)`,
    [CIC_INDEXES],
  )).rows;
  const e002 = idx.length === 0 ? 'none' : idx.length === 2 && idx.every((i) => i.valid) ? 'all' : 'partial';
  const note = (await q(
    `SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('public.items') AND attname = 'note' AND NOT attisdropped) AS col,
            to_regclass('public.item_events') IS NOT NULL AS ev`,
  )) as { col: boolean; ev: boolean };
  let e003: 'none' | 'all' | 'partial' = note.col || note.ev ? 'partial' : 'none';
  if (note.col && note.ev) {
    const n = (await q('SELECT count(*)::int AS n FROM items WHERE note IS NOT NULL')).n as number;
    e003 = n === Math.floor(ROWS / 3) ? 'all' : 'partial';
  }
  return { '001': e001, '002': e002, '003': e003 };
}

const APPLIED = new Set(['applied', 'resolved']);

/** The invariants that must hold after any kill, before any recovery. */
function expectConsistent(history: HistoryEntry[], fx: Awaited<ReturnType<typeof effects>>, trial: string): void {
  const latest = latestStatus(history);
  for (const version of ['001', '003'] as const) {
    const row = latest.get(version);
    // Transactional: all or nothing, and the history says which.
    expect({ trial, version, effect: fx[version] }).not.toEqual({ trial, version, effect: 'partial' });
    expect({ trial, version, applied: row !== undefined && APPLIED.has(row.status) }).toEqual({ trial, version, applied: fx[version] === 'all' });
    expect(['applied', 'failed', undefined]).toContain(row?.status);
  }
  const cic = latest.get('002');
  if (cic === undefined) expect({ trial, cic: fx['002'] }).toEqual({ trial, cic: 'none' });
  else if (cic.status === 'applied') expect({ trial, cic: fx['002'] }).toEqual({ trial, cic: 'all' });
  else expect({ trial, status: cic.status, blocks: cic.blocks_deploy || cic.status === 'running' }).toEqual({ trial, status: cic.status, blocks: true });
  // The history never runs ahead of the schema: 003 is only applied after 002, 002 after 001.
  if (latest.get('003')?.status === 'applied') expect(latest.get('002')?.status).toBe('applied');
  if (latest.get('002')) expect(latest.get('001')?.status).toBe('applied');
}

interface Calibration {
  durationMs: number;
  /** ms after the deploy's first log line at which migration 002 started and finished. */
  cicStartMs: number;
  cicEndMs: number;
}

async function calibrate(): Promise<Calibration> {
  const url = await createTestDatabase();
  const run = spawnDeployChild({ databaseUrl: url, cwd: project.cwd, dirs: project.dirs, actor: 'calibration' });
  const stamps: { line: string; at: number }[] = [];
  run.onLog((line) => stamps.push({ line, at: Date.now() }));
  const { code } = await run.exited;
  expect({ code, stderr: run.stderr() }).toEqual({ code: 0, stderr: '' });
  const t0 = stamps[0].at;
  const at = (re: RegExp) => stamps.find((s) => re.test(s.line))!.at - t0;
  return {
    durationMs: stamps[stamps.length - 1].at - t0,
    cicStartMs: at(/^\[2\/3\] 002 .*applying/),
    cicEndMs: at(/^\[3\/3\] 003 .*applying/),
  };
}

test(`SIGKILL at ${TRIALS} seeded random points: consistent, lock freed, blocked with instructions, recoverable`, async () => {
  const prng = createPrng(SEED);
  const cal = await calibrate();
  const tally = { killedBeforeEnd: 0, finishedFirst: 0, interruptedNonTransactional: 0, invalidIndexLeft: 0, resolvedApplied: 0, resolvedRolledBack: 0 };
  const slowestLockRelease: number[] = [];
  for (let trial = 0; trial < TRIALS; trial++) {
    const label = `trial ${trial} (seed ${SEED})`;
    const url = await createTestDatabase();
    // Half the kills aim at the non-transactional migration's window, half anywhere in the deploy.
    const aimAtCic = trial % 2 === 0;
    const delay = aimAtCic ? prng.int(cal.cicStartMs, cal.cicEndMs) : prng.int(0, cal.durationMs + 50);
    const run = spawnDeployChild({ databaseUrl: url, cwd: project.cwd, dirs: project.dirs, actor: `crash-${trial}` });
    let timer: NodeJS.Timeout | undefined;
    run.onLog((_line, index) => {
      if (index === 0) timer = setTimeout(() => run.child.kill('SIGKILL'), delay);
    });
    const exit = await run.exited;
    clearTimeout(timer);
    // Every fourth kill also ends the server side at once, as when the runner machine vanishes and
    // the server notices (keepalive, client_connection_check_interval): a concurrent build is cut
    // off mid-way and leaves an INVALID index instead of finishing on its own.
    if (trial % 4 === 0 && exit.signal === 'SIGKILL') {
      await withClient(url, (c) => c.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'drydock-deploy' AND datname = current_database()"));
    }
    if (exit.signal === 'SIGKILL') tally.killedBeforeEnd++;
    else {
      tally.finishedFirst++;
      expect({ label, code: exit.code }).toEqual({ label, code: 0 });
    }

    // The server releases the session lock once it notices the client is gone.
    slowestLockRelease.push(await waitForLockFree(url, 15_000));
    await withClient(url, async (c) => expectConsistent(await historyOf(c), await effects(c), label));

    const latest = await withClient(url, async (c) => latestStatus(await historyOf(c)));
    const interrupted = latest.get('002');
    if (interrupted && interrupted.status !== 'applied') {
      tally.interruptedNonTransactional++;
      const invalid = await withClient(url, async (c) =>
        (await c.query<{ name: string }>("SELECT indexrelid::regclass::text AS name FROM pg_index WHERE NOT indisvalid")).rows.map((r) => r.name),
      );
      if (invalid.length) tally.invalidIndexLeft++;
      // The next deploy refuses, naming the migration, its state and the exact command to run.
      const refused = await deploy({ databaseUrl: url, cwd: project.cwd, dirs: project.dirs, actor: 'next', backup: 'none', lockWaitLimit: '10s' });
      expect({ label, outcome: refused.outcome, migrations: refused.migrations.length }).toEqual({ label, outcome: 'refused', migrations: 0 });
      const line = refused.preflight.find((l) => l.check === 'failed migrations')!;
      expect(line.status).toBe('fail');
      expect(line.message).toContain('002');
      expect(line.fix).toContain('drydock resolve --version 002');
      // What the interrupted run left behind must be named, or the operator cannot clean it up.
      for (const name of invalid) expect({ label, said: `${line.message} ${line.fix}`.includes(name) }).toEqual({ label, said: true });
      const st = await status({ databaseUrl: url });
      expect(st.summary).toContain('blocks deploys until `drydock resolve`');
      expect(st.lock).toBeNull();

      // The operator's recovery (docs/deploy.md): finished by hand → --applied; else clean up → --rolled-back.
      const fx = await withClient(url, effects);
      if (fx['002'] === 'all') {
        await resolve({ databaseUrl: url, version: '002', as: 'applied', actor: 'operator' });
        tally.resolvedApplied++;
      } else {
        await withClient(url, async (c) => {
          for (const name of CIC_INDEXES) await c.query(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
        });
        await resolve({ databaseUrl: url, version: '002', as: 'rolled-back', actor: 'operator' });
        tally.resolvedRolledBack++;
      }
    }

    const next = await deploy({ databaseUrl: url, cwd: project.cwd, dirs: project.dirs, actor: 'next', backup: 'none', lockWaitLimit: '10s' });
    expect({ label, outcome: next.outcome, summary: next.outcome === 'applied' || next.outcome === 'up-to-date' ? '' : next.summary }).toEqual({
      label,
      outcome: next.outcome === 'up-to-date' ? 'up-to-date' : 'applied',
      summary: '',
    });
    await withClient(url, async (c) => {
      expect({ label, fx: await effects(c) }).toEqual({ label, fx: { '001': 'all', '002': 'all', '003': 'all' } });
      const finalRows = latestStatus(await historyOf(c));
      expect([...finalRows.values()].every((r) => APPLIED.has(r.status))).toBe(true);
    });
    await waitForLockFree(url, 5_000);
  }
  // eslint-disable-next-line no-console
  console.log(
    `crash: ${TRIALS} trials (seed ${SEED}); killed mid-deploy ${tally.killedBeforeEnd}, finished before the kill ${tally.finishedFirst}; ` +
      `non-transactional migration interrupted ${tally.interruptedNonTransactional} (INVALID index left ${tally.invalidIndexLeft}; ` +
      `resolved --applied ${tally.resolvedApplied}, --rolled-back ${tally.resolvedRolledBack}); slowest lock release ${Math.max(...slowestLockRelease)} ms`,
  );
  expect(tally.killedBeforeEnd).toBeGreaterThanOrEqual(TRIALS / 2);
  expect(tally.interruptedNonTransactional).toBeGreaterThan(0);
});
