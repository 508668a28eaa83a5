/** The pure parts of apply and deploy: how a file is applied, durations and backoff, version matching, the plan. */
import { backoffDelay, toMs } from '../../src/apply/duration';
import { lsnDiff } from '../../src/apply/measure';
import { planApply } from '../../src/apply/mode';
import { relationsOfMigration } from '../../src/apply/relations';
import { planDeploy } from '../../src/deploy/plan';
import type { HistoryRow } from '../../src/deploy/types';
import { compareVersions, findMigration, migrationsUpTo, sameVersion } from '../../src/deploy/versions';
import { formatBytes, formatCount, formatMs } from '../../src/util/format';
import { loadParser } from '../../src/parse/parser';
import { migration } from '../deploy/helpers';

beforeAll(loadParser);

describe('planApply', () => {
  test('a plain migration runs in one transaction', () => {
    expect(planApply(migration({ id: '1', sql: 'CREATE TABLE a (id int); CREATE TABLE b (id int);' })).mode).toBe('transaction');
  });
  test('a statement refused in a transaction block, or the non-transactional flag, runs statement by statement', () => {
    expect(planApply(migration({ id: '1', sql: 'CREATE TABLE a (id int); CREATE INDEX CONCURRENTLY i ON a (id);' })).mode).toBe('statements');
    expect(planApply(migration({ id: '1', sql: 'UPDATE a SET id = 1;', transactional: false })).mode).toBe('statements');
  });
  test('a sqitch-style BEGIN … COMMIT wrapper is replaced by drydock\'s transaction', () => {
    const plan = planApply(migration({ id: '1', sql: 'BEGIN;\nCREATE TABLE a (id int);\nCREATE TABLE b (id int);\nCOMMIT;' }));
    expect(plan.mode).toBe('transaction');
    expect(plan.statements.map((s) => s.kind)).toEqual(['CreateStmt', 'CreateStmt']);
  });
  test('transaction control in the middle runs the file as written', () => {
    const plan = planApply(migration({ id: '1', sql: 'CREATE TABLE a (id int);\nBEGIN;\nINSERT INTO a VALUES (1);\nCOMMIT;\nCREATE TABLE b (id int);' }));
    expect(plan.mode).toBe('script');
    expect(plan.statements).toHaveLength(5);
  });
});

test('relationsOfMigration finds bare and wrapped RangeVars, schema-qualified or not', () => {
  const pm = migration({ id: '1', sql: 'CREATE INDEX CONCURRENTLY i ON app.users (email);\nINSERT INTO audit SELECT * FROM app.users JOIN roles USING (id);' });
  expect(relationsOfMigration(pm)).toEqual([
    { schema: 'app', name: 'users' },
    { schema: null, name: 'audit' },
    { schema: null, name: 'roles' },
  ]);
});

describe('durations and backoff', () => {
  test('toMs accepts milliseconds and units, and rejects anything else with a fix', () => {
    expect(toMs(undefined, 7, 'x')).toBe(7);
    expect(toMs(250, 0, 'x')).toBe(250);
    expect(toMs('1.5s', 0, 'x')).toBe(1500);
    expect(toMs('2min', 0, 'x')).toBe(120_000);
    expect(toMs('300ms', 0, 'x')).toBe(300);
    expect(() => toMs('soon', 0, 'lockTimeout')).toThrow('invalid duration for lockTimeout: "soon"');
  });
  test('backoff doubles to the cap, with half of it jittered', () => {
    expect(backoffDelay(0, 100, 1000, () => 0)).toBe(50);
    expect(backoffDelay(0, 100, 1000, () => 1)).toBe(100);
    expect(backoffDelay(3, 100, 1000, () => 1)).toBe(800);
    expect(backoffDelay(10, 100, 1000, () => 0.5)).toBe(750);
  });
  test('formatting: one spelling for the log, the text output and the PR comment', () => {
    expect(formatMs(0.4)).toBe('<1 ms');
    expect(formatMs(850)).toBe('850 ms');
    expect(formatMs(3200)).toBe('3.2 s');
    expect(formatMs(45_000)).toBe('45 s');
    expect(formatMs(245_000)).toBe('4 min 5 s');
    expect(formatMs(7_500_000)).toBe('2 h 5 min');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 kB');
    expect(formatBytes(76_800)).toBe('75 kB');
    expect(formatBytes(-2048)).toBe('-2.0 kB');
    expect(formatBytes(null)).toBe('—');
    expect(formatCount(42_000)).toBe('42 k');
    expect(lsnDiff('1/00000010', '0/FFFFFFF0')).toBe(32);
  });
});

describe('versions', () => {
  test('sameVersion across runner spellings', () => {
    expect(sameVersion('1.2', '1_2')).toBe(true);
    expect(sameVersion('0002', '2')).toBe(true);
    expect(sameVersion('2024-01-01-120000', '20240101120000')).toBe(true);
    expect(sameVersion('1.2', '12')).toBe(false);
    expect(compareVersions('1.10', '1.9')).toBe(1);
    expect(compareVersions('2', '10')).toBe(-1);
  });
  test('findMigration by id, directory or version; migrationsUpTo by apply order', () => {
    const files = [
      migration({ id: '20240101000000', sql: 'SELECT 1;', path: 'prisma/migrations/20240101000000_init/migration.sql' }),
      migration({ id: '20240102000000', sql: 'SELECT 2;', path: 'prisma/migrations/20240102000000_more/migration.sql' }),
    ];
    expect(findMigration(files, '20240101000000_init')?.migration.id).toBe('20240101000000');
    expect(migrationsUpTo(files, '20240101000000').map((m) => m.migration.id)).toEqual(['20240101000000']);
    expect(migrationsUpTo(files, '20240101500000').map((m) => m.migration.id)).toEqual(['20240101000000']);
  });
  test('a <timestamp>_<name> migration answers to its timestamp alone, when only one has it', () => {
    const named = (id: string) => migration({ id, sql: 'SELECT 1;', path: `prisma/migrations/${id}/migration.sql` });
    const files = [named('20240101000000_init'), named('20240102000000_more'), named('20240102000000_clash')];
    expect(findMigration(files, '20240101000000')?.migration.id).toBe('20240101000000_init');
    // Two directories share the timestamp: neither is picked.
    expect(findMigration(files, '20240102000000')).toBeUndefined();
    // Flyway-style ids: "1_1" is version 1.1, not a migration named "1" something.
    expect(findMigration([migration({ id: '1_1', sql: 'SELECT 1;' })], '1')).toBeUndefined();
  });
});

describe('planDeploy', () => {
  const row = (version: string, checksum: string | null, extra: Partial<HistoryRow> = {}): HistoryRow => ({
    id: 0, version, description: '', path: null, checksum, status: 'applied', blocksDeploy: false, appliedAt: '', appliedBy: 'x',
    durationMs: null, error: null, cleanup: null, source: 'drydock', deployId: null, ...extra,
  });
  let files: ReturnType<typeof migration>[];
  beforeAll(() => {
    files = ['1', '2', '3'].map((id) => migration({ id, sql: `SELECT ${id};` }));
  });

  test('pending, edited, out of order, missing files and blocking rows', () => {
    const plan = planDeploy(files, [
      row('1', 'edited-checksum'),
      row('3', files[2].migration.checksum),
      row('9', 'x'),
      row('2', null, { status: 'running' }),
    ]);
    expect(plan.pending.map((p) => p.migration.id)).toEqual(['2']);
    expect(plan.outOfOrder).toEqual(['2']);
    expect(plan.edited).toEqual([{ version: '1', path: files[0].migration.path, recordedChecksum: 'edited-checksum', fileChecksum: files[0].migration.checksum }]);
    expect(plan.missingFiles).toEqual(['9']);
    expect(plan.blocking.map((r) => r.version)).toEqual(['2']);
  });

  test('a failed transactional run stays pending and does not block; the latest row wins', () => {
    const plan = planDeploy(files, [row('1', null, { status: 'failed' }), row('2', null, { status: 'failed', blocksDeploy: true }), row('2', files[1].migration.checksum, { status: 'resolved' })]);
    expect(plan.pending.map((p) => p.migration.id)).toEqual(['1', '3']);
    expect(plan.blocking).toEqual([]);
    expect(plan.edited).toEqual([]);
  });
});
