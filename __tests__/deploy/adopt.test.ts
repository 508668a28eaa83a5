/** Adopting databases other runners migrated: import of their history tables, and baseline. */
import { baseline, deploy, importHistory, status } from '../../src/deploy';
import { loadParser } from '../../src/parse/parser';
import { withClient } from '../../src/util/pg';
import { createTestDatabase, dropTestDatabases } from '../support/pg';
import { exampleMigrations, migration } from './helpers';

jest.setTimeout(60_000);
beforeAll(loadParser);
afterAll(dropTestDatabases);

/** Run the first `n` example migrations by hand, as another runner would have. */
async function applyByHand(url: string, n: number): Promise<void> {
  await withClient(url, async (c) => {
    for (const pm of exampleMigrations().slice(0, n)) for (const s of pm.parsed.statements) await c.query(s.sql);
  });
}

describe('import from golang-migrate', () => {
  test('refuses to re-run history, imports schema_migrations, then applies only what is new', async () => {
    const url = await createTestDatabase();
    await applyByHand(url, 2);
    await withClient(url, (c) =>
      c.query('CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL); INSERT INTO schema_migrations VALUES (2, false);'),
    );

    const refused = await deploy({ databaseUrl: url, migrations: exampleMigrations(), backup: 'none' });
    expect(refused.outcome).toBe('refused');
    const line = refused.preflight.find((l) => l.check === 'adoption')!;
    expect(line).toMatchObject({ status: 'fail' });
    expect(line.message).toContain('migrated by golang-migrate');
    expect(line.fix).toContain('drydock import-history --from golang-migrate');

    const imported = await importHistory({ databaseUrl: url, from: 'auto', migrations: exampleMigrations(), actor: 'octocat' });
    expect(imported).toMatchObject({ recorded: ['001', '002'], skipped: [], source: 'golang-migrate' });
    expect(imported.summary).toContain('imported golang-migrate history from schema_migrations');

    const result = await deploy({ databaseUrl: url, migrations: exampleMigrations(), backup: 'none' });
    expect(result.outcome).toBe('applied');
    expect(result.migrations.map((m) => m.version)).toEqual(['003']);
    const st = await status({ databaseUrl: url, migrations: exampleMigrations() });
    expect(st.applied.map((r) => [r.version, r.status, r.source])).toEqual([
      ['001', 'imported', 'golang-migrate'],
      ['002', 'imported', 'golang-migrate'],
      ['003', 'applied', 'drydock'],
    ]);

    const again = await importHistory({ databaseUrl: url, from: 'golang-migrate', migrations: exampleMigrations() });
    expect(again).toMatchObject({ recorded: [], skipped: ['001', '002'] });
  });

  test('a dirty golang-migrate version refuses the import', async () => {
    const url = await createTestDatabase();
    await withClient(url, (c) =>
      c.query('CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL); INSERT INTO schema_migrations VALUES (2, true);'),
    );
    await expect(importHistory({ databaseUrl: url, from: 'golang-migrate', migrations: exampleMigrations() })).rejects.toThrow(
      'golang-migrate: dirty database version 2',
    );
  });

  test('imported checksums catch a later edit of an adopted migration', async () => {
    const url = await createTestDatabase();
    await applyByHand(url, 1);
    await withClient(url, (c) => c.query('CREATE TABLE schema_migrations (version bigint PRIMARY KEY, dirty boolean NOT NULL); INSERT INTO schema_migrations VALUES (1, false);'));
    await importHistory({ databaseUrl: url, from: 'golang-migrate', migrations: exampleMigrations() });
    const edited = exampleMigrations();
    edited[0] = migration({ id: '001', description: 'create accounts', sql: 'CREATE TABLE accounts (id int);' });
    const result = await deploy({ databaseUrl: url, migrations: edited, backup: 'none' });
    expect(result.outcome).toBe('refused');
    expect(result.preflight.find((l) => l.check === 'checksums')?.message).toContain('001_create_accounts.sql');
  });
});

describe('import from other runners', () => {
  test('prisma: finished migrations by directory name; rolled-back ones ignored; unfinished refused', async () => {
    const url = await createTestDatabase();
    const files = [
      migration({ id: '20240101000000_init', description: 'init', sql: 'CREATE TABLE p1 (id int);', layout: 'prisma', path: 'prisma/migrations/20240101000000_init/migration.sql' }),
      migration({ id: '20240102000000_more', description: 'more', sql: 'CREATE TABLE p2 (id int);', layout: 'prisma', path: 'prisma/migrations/20240102000000_more/migration.sql' }),
    ];
    await withClient(url, (c) =>
      c.query(`CREATE TABLE _prisma_migrations (id varchar(36) PRIMARY KEY, checksum varchar(64) NOT NULL, finished_at timestamptz,
        migration_name varchar(255) NOT NULL, logs text, rolled_back_at timestamptz, started_at timestamptz NOT NULL DEFAULT now(),
        applied_steps_count integer NOT NULL DEFAULT 0);
        INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, rolled_back_at) VALUES
          ('a', 'x', now(), '20240101000000_init', NULL), ('b', 'y', NULL, '20240102000000_more', now());
        CREATE TABLE p1 (id int);`),
    );
    const imported = await importHistory({ databaseUrl: url, from: 'prisma', migrations: files });
    expect(imported.recorded).toEqual(['20240101000000_init']);
    const result = await deploy({ databaseUrl: url, migrations: files, backup: 'none' });
    expect(result.migrations.map((m) => m.version)).toEqual(['20240102000000_more']);

    const url2 = await createTestDatabase();
    await withClient(url2, (c) =>
      c.query(`CREATE TABLE _prisma_migrations (id text, checksum text, finished_at timestamptz, migration_name text, rolled_back_at timestamptz, started_at timestamptz DEFAULT now());
        INSERT INTO _prisma_migrations (id, checksum, migration_name) VALUES ('a', 'x', '20240101000000_init');`),
    );
    await expect(importHistory({ databaseUrl: url2, from: 'prisma', migrations: files })).rejects.toThrow('unfinished migration(s): 20240101000000_init');
  });

  test('flyway: a BASELINE row covers earlier versions; versioned rows by version', async () => {
    const url = await createTestDatabase();
    const files = ['1', '1.1', '2', '3'].map((id) =>
      migration({ id, description: `v${id}`, sql: `CREATE TABLE f_${id.replace('.', '_')} (id int);`, layout: 'flyway', path: `db/migration/V${id.replace('.', '_')}__v.sql` }),
    );
    await withClient(url, (c) =>
      c.query(`CREATE TABLE flyway_schema_history (installed_rank int PRIMARY KEY, version varchar(50), description varchar(200) NOT NULL,
        type varchar(20) NOT NULL, script varchar(1000) NOT NULL, checksum int, installed_by varchar(100) NOT NULL,
        installed_on timestamp NOT NULL DEFAULT now(), execution_time int NOT NULL, success boolean NOT NULL);
        INSERT INTO flyway_schema_history VALUES (1, '1.1', '<< Flyway Baseline >>', 'BASELINE', '<< Flyway Baseline >>', NULL, 'dba', now(), 0, true),
          (2, '2', 'v2', 'SQL', 'V2__v.sql', 123, 'ci', now(), 5, true);`),
    );
    const imported = await importHistory({ databaseUrl: url, from: 'flyway', migrations: files });
    expect(imported.recorded).toEqual(['1', '1.1', '2']);
    const rows = await withClient(url, (c) => c.query("SELECT applied_by FROM drydock.migration_history WHERE version = '2'"));
    expect(rows.rows[0].applied_by).toBe('ci');
  });

  test('dbmate and diesel: every recorded version, matched across version spellings', async () => {
    const dbmateUrl = await createTestDatabase();
    const dbmateFiles = ['20240101000000', '20240102000000', '20240103000000'].map((id) =>
      migration({ id, description: 'x', sql: `CREATE TABLE d_${id} (id int);`, layout: 'dbmate', path: `db/migrations/${id}_x.sql` }),
    );
    await withClient(dbmateUrl, (c) =>
      c.query("CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY); INSERT INTO schema_migrations VALUES ('20240101000000'), ('20240103000000');"),
    );
    expect((await importHistory({ databaseUrl: dbmateUrl, from: 'auto', migrations: dbmateFiles })).recorded).toEqual(['20240101000000', '20240103000000']);

    const dieselUrl = await createTestDatabase();
    const dieselFiles = ['2024-01-01-000000', '2024-01-02-000000'].map((id) =>
      migration({ id, description: 'create', sql: `CREATE TABLE x_${id.replace(/-/g, '')} (id int);`, layout: 'diesel', path: `migrations/${id}_create/up.sql` }),
    );
    await withClient(dieselUrl, (c) =>
      c.query("CREATE TABLE __diesel_schema_migrations (version varchar(50) PRIMARY KEY, run_on timestamp NOT NULL DEFAULT now()); INSERT INTO __diesel_schema_migrations (version) VALUES ('20240101000000');"),
    );
    const imported = await importHistory({ databaseUrl: dieselUrl, from: 'diesel', migrations: dieselFiles });
    expect(imported.recorded).toEqual(['2024-01-01-000000']);
  });

  test('auto with no other runner\'s table is a user error', async () => {
    const url = await createTestDatabase();
    await expect(importHistory({ databaseUrl: url, from: 'auto', migrations: [] })).rejects.toThrow("no other runner's history table found");
  });
});

describe('baseline', () => {
  test('records every migration up to the version without running it', async () => {
    const url = await createTestDatabase();
    await applyByHand(url, 2);
    const result = await baseline({ databaseUrl: url, to: '002', migrations: exampleMigrations(), actor: 'dba' });
    expect(result.recorded).toEqual(['001', '002']);
    const deployed = await deploy({ databaseUrl: url, migrations: exampleMigrations(), backup: 'none' });
    expect(deployed.migrations.map((m) => m.version)).toEqual(['003']);
    await expect(baseline({ databaseUrl: url, to: '999', migrations: exampleMigrations() })).rejects.toThrow('baseline version 999 matches no migration file');
  });
});
