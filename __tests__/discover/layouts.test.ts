import { createHash } from 'node:crypto';
import { discover } from '../../src/discover';
import type { MigrationFile } from '../../src/discover/types';
import { makeTree, removeTrees } from './tree';

afterAll(removeTrees);

async function discoverTree(files: Record<string, string>, dirs = ['db']) {
  const cwd = makeTree(files);
  return discover({ dirs, cwd });
}

const ids = (migrations: MigrationFile[]) => migrations.map((m) => m.id);

describe('plain numbered SQL', () => {
  it('orders by the leading number numerically (9 before 10) and reads every file', async () => {
    const result = await discoverTree({
      'db/10_ten.sql': 'SELECT 10;',
      'db/9_nine.sql': 'SELECT 9;',
      'db/0001_one.sql': 'SELECT 1;',
      'db/README.md': 'not a migration',
    });
    expect(result.sources).toEqual([expect.objectContaining({ dir: 'db', layout: 'plain' })]);
    expect(ids(result.migrations)).toEqual(['0001', '9', '10']);
    expect(result.migrations[2]).toMatchObject({
      description: 'ten',
      path: 'db/10_ten.sql',
      direction: 'up',
      sql: 'SELECT 10;',
      sqlStartLine: 1,
      transactional: true,
      transactionSource: 'default',
      down: null,
      isNew: true,
    });
  });

  it('checksums the content with CRLF normalised to LF', async () => {
    const result = await discoverTree({ 'db/1_a.sql': 'SELECT 1;\r\nSELECT 2;\r\n', 'db/2_b.sql': 'SELECT 1;\nSELECT 2;\n' });
    const expected = createHash('sha256').update('SELECT 1;\nSELECT 2;\n').digest('hex');
    expect(result.migrations.map((m) => m.checksum)).toEqual([expected, expected]);
  });

  it('honours -- drydock:no-transaction in the leading comment only', async () => {
    const result = await discoverTree({
      'db/1_a.sql': '-- build the index online\n-- drydock:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);',
      'db/2_b.sql': 'SELECT 1;\n-- drydock:no-transaction\nSELECT 2;',
    });
    expect(result.migrations.map((m) => [m.transactional, m.transactionSource])).toEqual([
      [false, '-- drydock:no-transaction (line 2)'],
      [true, 'default'],
    ]);
  });
});

describe('Prisma', () => {
  it('orders migration directories by name and has no downs', async () => {
    const result = await discoverTree({
      'prisma/migrations/migration_lock.toml': 'provider = "postgresql"',
      'prisma/migrations/20240102000000_second/migration.sql': 'SELECT 2;',
      'prisma/migrations/20240101000000_first/migration.sql': 'SELECT 1;',
    }, ['prisma/migrations']);
    expect(result.sources[0].layout).toBe('prisma');
    expect(result.migrations.map((m) => [m.id, m.description, m.path, m.down])).toEqual([
      ['20240101000000_first', 'first', 'prisma/migrations/20240101000000_first/migration.sql', null],
      ['20240102000000_second', 'second', 'prisma/migrations/20240102000000_second/migration.sql', null],
    ]);
  });
});

describe('Flyway', () => {
  it('orders V2 < V10 < V10.1, pairs U undo scripts and runs repeatables last', async () => {
    const result = await discoverTree({
      'db/V10.1__point_one.sql': 'SELECT 101;',
      'db/V10__ten.sql': 'SELECT 10;',
      'db/V2__two.sql': 'SELECT 2;',
      'db/V1_1__one_one.sql': 'SELECT 11;',
      'db/U10__undo_ten.sql': 'SELECT -10;',
      'db/R__b_view.sql': 'SELECT 0;',
      'db/R__a_view.sql': 'SELECT 0;',
      'db/beforeMigrate.sql': 'SELECT now();',
    });
    expect(result.sources[0].layout).toBe('flyway');
    expect(result.migrations.map((m) => [m.id, m.direction])).toEqual([
      ['1.1', 'up'],
      ['2', 'up'],
      ['10', 'up'],
      ['10.1', 'up'],
      ['a_view', 'repeatable'],
      ['b_view', 'repeatable'],
    ]);
    expect(result.migrations[2].description).toBe('ten');
    expect(result.migrations[2].down).toMatchObject({ path: 'db/U10__undo_ten.sql', sql: 'SELECT -10;', sqlStartLine: 1 });
  });

  it('rejects V1_1 next to V1.1 as the same version', async () => {
    const cwd = makeTree({ 'db/V1_1__a.sql': 'SELECT 1;', 'db/V1.1__b.sql': 'SELECT 1;' });
    await expect(discover({ dirs: ['db'], cwd })).rejects.toThrow('duplicate migration version 1_1: db/V1.1__b.sql and db/V1_1__a.sql');
  });

  it('turns the transaction off from a <script>.conf sibling', async () => {
    const result = await discoverTree({
      'db/V1__a.sql': 'SELECT 1;',
      'db/V2__index.sql': 'CREATE INDEX CONCURRENTLY i ON t (a);',
      'db/V2__index.sql.conf': '# online index\nexecuteInTransaction=false\n',
    });
    expect(result.migrations.map((m) => [m.transactional, m.transactionSource])).toEqual([
      [true, 'default'],
      [false, 'V2__index.sql.conf: executeInTransaction=false'],
    ]);
  });

  it('substitutes built-in, flyway.conf and option placeholders before parsing, case-insensitively', async () => {
    const cwd = makeTree({
      'db/flyway.conf': 'flyway.placeholders.owner=app_owner\n',
      'db/V1__a.sql': 'CREATE TABLE ${flyway:defaultSchema}.t (id int);\nALTER TABLE ${FLYWAY:DEFAULTSCHEMA}.t OWNER TO ${owner};\n-- ${flyway:filename} in ${Tenant}',
    });
    const result = await discover({ dirs: ['db'], cwd, placeholders: { tenant: 'acme' } });
    expect(result.migrations[0].sql).toBe('CREATE TABLE public.t (id int);\nALTER TABLE public.t OWNER TO app_owner;\n-- V1__a.sql in acme');
    expect(result.migrations[0].checksum).toHaveLength(64);
  });

  it('leaves placeholders alone when the .conf sets placeholderReplacement=false', async () => {
    const result = await discoverTree({ 'db/V1__a.sql': "SELECT '${x}';", 'db/V1__a.sql.conf': 'placeholderReplacement=false' });
    expect(result.migrations[0].sql).toBe("SELECT '${x}';");
  });

  it('starts a fresh database from the latest baseline', async () => {
    const result = await discoverTree({
      'db/V1__a.sql': 'SELECT 1;',
      'db/V2__b.sql': 'SELECT 2;',
      'db/V3__c.sql': 'SELECT 3;',
      'db/B2__baseline.sql': 'SELECT 12;',
    });
    expect(result.migrations.map((m) => [m.id, m.path])).toEqual([
      ['2', 'db/B2__baseline.sql'],
      ['3', 'db/V3__c.sql'],
    ]);
  });
});

describe('golang-migrate', () => {
  it('orders versions numerically (2 < 10) and pairs downs by version even when titles differ', async () => {
    const result = await discoverTree({
      'db/10_ten.up.sql': 'SELECT 10;',
      'db/10_drop_ten.down.sql': 'SELECT -10;',
      'db/2_two.up.sql': 'SELECT 2;',
      'db/1_one.up.sql': 'SELECT 1;',
      'db/1_one.down.sql': 'SELECT -1;',
    });
    expect(result.sources[0].layout).toBe('golang-migrate');
    expect(result.migrations.map((m) => [m.id, m.description, m.down?.path ?? null])).toEqual([
      ['1', 'one', 'db/1_one.down.sql'],
      ['2', 'two', null],
      ['10', 'ten', 'db/10_drop_ten.down.sql'],
    ]);
  });
});

describe('dbmate', () => {
  it('takes the up section with its start line and attaches the down section', async () => {
    const text = [
      '-- a comment above the sections',
      '-- migrate:up',
      'CREATE TABLE t (id int);',
      'CREATE INDEX i ON t (id);',
      '',
      '-- migrate:down',
      'DROP TABLE t;',
      '',
    ].join('\n');
    const result = await discoverTree({ 'db/migrations/20240101000000_create_t.sql': text }, ['db/migrations']);
    const [migration] = result.migrations;
    expect(result.sources[0].layout).toBe('dbmate');
    expect(migration).toMatchObject({
      id: '20240101000000',
      description: 'create_t',
      sql: 'CREATE TABLE t (id int);\nCREATE INDEX i ON t (id);\n\n',
      sqlStartLine: 3,
      transactional: true,
      transactionSource: 'default',
    });
    expect(migration.down).toMatchObject({ sql: 'DROP TABLE t;\n', sqlStartLine: 7 });
    expect(migration.checksum).toBe(createHash('sha256').update(text).digest('hex'));
  });

  it('reads transaction:false from the up marker', async () => {
    const result = await discoverTree({
      'db/1_a.sql': '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (a);\n-- migrate:down\nDROP INDEX i;\n',
    });
    expect(result.migrations[0]).toMatchObject({
      transactional: false,
      transactionSource: '-- migrate:up transaction:false (line 1)',
      sql: 'CREATE INDEX CONCURRENTLY i ON t (a);\n',
      sqlStartLine: 2,
    });
  });

  it('accepts the drydock directive in the header', async () => {
    const result = await discoverTree({ 'db/1_a.sql': '-- migrate:up\n-- drydock:no-transaction\nVACUUM t;\n' });
    expect(result.migrations[0]).toMatchObject({ transactional: false, transactionSource: '-- drydock:no-transaction (line 2)', down: null });
  });
});

describe('diesel', () => {
  it('orders by the version before the first "_" with dashes removed and reads metadata.toml', async () => {
    const result = await discoverTree({
      'migrations/00000000000000_diesel_initial_setup/up.sql': 'SELECT 0;',
      'migrations/00000000000000_diesel_initial_setup/down.sql': 'SELECT -0;',
      'migrations/2024-01-02-000000_second/up.sql': 'CREATE INDEX CONCURRENTLY i ON t (a);',
      'migrations/2024-01-02-000000_second/down.sql': 'DROP INDEX i;',
      'migrations/2024-01-02-000000_second/metadata.toml': 'run_in_transaction = false\n',
      'migrations/2024-01-01-000000_first/up.sql': 'SELECT 1;',
    }, ['migrations']);
    expect(result.sources[0].layout).toBe('diesel');
    expect(result.migrations.map((m) => [m.id, m.description, m.transactional, m.down?.path ?? null])).toEqual([
      ['00000000000000', 'diesel_initial_setup', true, 'migrations/00000000000000_diesel_initial_setup/down.sql'],
      ['20240101000000', 'first', true, null],
      ['20240102000000', 'second', false, 'migrations/2024-01-02-000000_second/down.sql'],
    ]);
    expect(result.migrations[2].transactionSource).toBe('migrations/2024-01-02-000000_second/metadata.toml: run_in_transaction = false');
  });
});

describe('sqitch', () => {
  const plan = [
    '%syntax-version=1.0.0',
    '%project=app',
    '',
    'users 2024-01-01T12:00:00Z Jane Doe <jane@example.com> # add users',
    'roles [users] 2024-01-02T12:00:00Z Jane Doe <jane@example.com> # add roles',
    '@v1.0 2024-01-03T12:00:00Z Jane Doe <jane@example.com> # release',
    'appusers 2024-01-04T12:00:00Z Jane Doe <jane@example.com>',
    'users [users@v1.0] 2024-01-05T12:00:00Z Jane Doe <jane@example.com> # rework users',
    '',
  ].join('\n');

  it('follows the plan order, pairs revert and verify scripts, and uses @tag scripts for reworked changes', async () => {
    const result = await discoverTree({
      'sqitch/sqitch.plan': plan,
      'sqitch/deploy/users@v1.0.sql': 'BEGIN; CREATE TABLE users (id int); COMMIT;',
      'sqitch/revert/users@v1.0.sql': 'BEGIN; DROP TABLE users; COMMIT;',
      'sqitch/deploy/roles.sql': 'BEGIN; CREATE TABLE roles (id int); COMMIT;',
      'sqitch/verify/roles.sql': 'SELECT id FROM roles WHERE false;',
      'sqitch/deploy/appusers.sql': 'BEGIN; CREATE TABLE appusers (id int); COMMIT;',
      'sqitch/deploy/users.sql': 'BEGIN; ALTER TABLE users ADD name text; COMMIT;',
    }, ['sqitch']);
    expect(result.sources[0].layout).toBe('sqitch');
    expect(result.migrations.map((m) => [m.id, m.path, m.down?.path ?? null, m.verify?.path ?? null])).toEqual([
      ['users@v1.0', 'sqitch/deploy/users@v1.0.sql', 'sqitch/revert/users@v1.0.sql', null],
      ['roles', 'sqitch/deploy/roles.sql', null, 'sqitch/verify/roles.sql'],
      ['appusers', 'sqitch/deploy/appusers.sql', null, null],
      ['users', 'sqitch/deploy/users.sql', null, null],
    ]);
    expect(result.migrations[0].description).toBe('add users');
    expect(result.migrations.every((m) => !m.transactional && m.transactionSource.startsWith('sqitch:'))).toBe(true);
  });
});

describe('Supabase CLI', () => {
  it('reads supabase/migrations in version order', async () => {
    const result = await discoverTree({
      'supabase/migrations/20240102000000_b.sql': 'SELECT 2;',
      'supabase/migrations/20240101000000_a.sql': 'SELECT 1;',
      'supabase/config.toml': '',
    }, []);
    expect(result.sources).toEqual([expect.objectContaining({ dir: 'supabase/migrations', layout: 'supabase' })]);
    expect(ids(result.migrations)).toEqual(['20240101000000', '20240102000000']);
  });
});
