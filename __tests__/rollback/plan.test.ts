/**
 * Rollback plans: irreversible statements marked (and why), the plan a down script gets, the
 * header stored with the script, and the dry run's validation of a generated rollback on a real
 * server (round trip ok for a reversible migration, skipped with a finding for an irreversible one).
 */
import { migration } from '../deploy/helpers';
import { generateRollback } from '../../src/rollback/generate';
import { rollbackPlanFor } from '../../src/rollback/plan';
import { validateRollback } from '../../src/rollback/round-trip';
import { readStoredScript } from '../../src/rollback/stored-script';
import { connect } from '../../src/util/pg';
import { createTestDatabase, dropTestDatabases } from '../support/pg';
import { parse, runSql, runStatements, snapshot } from './helpers';
import { snapshotCatalog } from '../../src/schema';

afterAll(dropTestDatabases);

const IRREVERSIBLE: [string, string, RegExp][] = [
  ['DROP COLUMN', 'ALTER TABLE t DROP COLUMN b', /DROP COLUMN b destroys the column's data; restore from the backup/],
  ['DROP TABLE', 'DROP TABLE t', /DROP TABLE public\.t destroys its data/],
  ['type narrowing', 'ALTER TABLE t ALTER COLUMN s TYPE varchar(5)', /may change or truncate values of character varying\(50\)/],
  ['integer narrowing', 'ALTER TABLE t ALTER COLUMN b TYPE smallint', /may change or truncate values of bigint/],
  ['enum ADD VALUE', "ALTER TYPE mood ADD VALUE 'meh'", /cannot remove an enum value/],
  ['UPDATE backfill', 'UPDATE t SET s = upper(s)', /UPDATE of public\.t overwrites values/],
  ['DELETE', 'DELETE FROM t WHERE b > 1', /DELETE on public\.t changes rows/],
  ['TRUNCATE', 'TRUNCATE t', /TRUNCATE public\.t destroys their rows/],
];

describe('irreversible statements', () => {
  let before: Awaited<ReturnType<typeof snapshot>>;
  beforeAll(async () => {
    const client = await connect(await createTestDatabase());
    await runSql(client, "CREATE TABLE t (b bigint, s varchar(50)); CREATE TYPE mood AS ENUM ('ok')");
    before = await snapshotCatalog(client);
    await client.end();
  });

  test.each(IRREVERSIBLE)('%s is data loss', async (_name, sql, reason) => {
    const rollback = generateRollback(await parse(sql), before);
    expect(rollback.reversible).toBe(false);
    expect(rollback.steps[0]).toMatchObject({ irreversible: true, category: 'data-loss', inverse: null });
    expect(rollback.steps[0].reason).toMatch(reason);
  });

  test('without the catalog, inverses that need the previous state are not generated', async () => {
    const rollback = generateRollback(await parse("ALTER TABLE t ALTER COLUMN s SET DEFAULT 'x'"));
    expect(rollback.steps[0]).toMatchObject({ irreversible: true, category: 'not-generated' });
    expect(rollback.steps[0].reason).toMatch(/needs the catalog from before the migration/);
  });

  test('an unnamed index cannot be dropped by name', async () => {
    const rollback = generateRollback(await parse('CREATE INDEX ON t (b)'), before);
    expect(rollback.steps[0].reason).toMatch(/unnamed index/);
  });
});

describe('rollbackPlanFor', () => {
  test('a down script is the plan; data the up script destroys stays an irreversible step', () => {
    const pm = migration({ id: '7', sql: 'ALTER TABLE t DROP COLUMN b;\n', down: 'ALTER TABLE t ADD COLUMN b bigint;' });
    const plan = rollbackPlanFor(pm);
    expect(plan).toMatchObject({ source: 'down-script', sql: 'ALTER TABLE t ADD COLUMN b bigint;', verdict: 'irreversible' });
    expect(readStoredScript(plan.script!)).toEqual({
      source: 'down-script',
      irreversible: ["statement 1 (line 1): DROP COLUMN b destroys the column's data; restore from the backup"],
    });
  });

  test('no down script: the generated inverse, in reverse order, stored with its header', () => {
    const pm = migration({ id: '8', sql: 'CREATE TABLE a (id int);\nCREATE INDEX a_id ON a (id);\nALTER TABLE t ADD COLUMN c int;\n' });
    const plan = rollbackPlanFor(pm);
    expect(plan.source).toBe('generated');
    expect(plan.verdict).toBe('reversible');
    expect(plan.sql!.match(/^(?!--).+$/gm)).toEqual(['ALTER TABLE t DROP COLUMN c;', 'DROP TABLE a;']);
    expect(plan.script!.startsWith('-- drydock:rollback generated for 8\n')).toBe(true);
  });

  test('nothing invertible and something irreversible: no plan', () => {
    const plan = rollbackPlanFor(migration({ id: '9', sql: 'DROP TABLE t;\n' }));
    expect(plan).toMatchObject({ source: 'none', sql: null, script: null, verdict: 'none' });
  });
});

describe('validateRollback (the dry run round trip)', () => {
  test('a generated rollback that restores the schema is ok; an irreversible one is skipped with a finding', async () => {
    const client = await connect(await createTestDatabase());
    try {
      await runSql(client, "CREATE TABLE t (a int, legacy text DEFAULT 'x')");
      const reversible = migration({ id: '1', sql: "ALTER TABLE t ADD COLUMN b int;\nALTER TABLE t ALTER COLUMN legacy SET DEFAULT 'y';\n" });
      let before = await snapshot(client);
      await runStatements(client, reversible.parsed.statements);
      const ok = await validateRollback(client, reversible, before);
      expect(ok.roundTrip).toEqual({ status: 'ok', diff: [] });
      expect(ok.plan.source).toBe('generated');
      // Up ran again after the round trip, so the next migration sees its effect.
      expect((await snapshot(client)).tables['public.t'].columns.b).toBeDefined();

      const irreversible = migration({ id: '2', sql: 'ALTER TABLE t DROP COLUMN legacy;\n' });
      before = await snapshot(client);
      await runStatements(client, irreversible.parsed.statements);
      const skipped = await validateRollback(client, irreversible, before);
      expect(skipped.roundTrip.status).toBe('skipped');
      expect(irreversible.migration.findings).toEqual([
        expect.objectContaining({ rule: 'rollback-irreversible', severity: 'warning', message: expect.stringContaining('DROP COLUMN legacy') }),
      ]);
    } finally {
      await client.end();
    }
  });
});
