/**
 * The seed-shaped TypeScript migration (up adds a JSONB preferences column with a default and fills
 * defaults for users lacking them; down drops it): dry-run traced to the module's lines, deployed in
 * a transaction with its data check, rolled back from the stored down; and a failing data check
 * rolling a migration back.
 */
import { Client } from 'pg';
import { deploy } from '../../src/deploy';
import { dryRun } from '../../src/dryrun';
import { startEphemeralServer } from '../../src/dryrun/providers';
import { loadMigrations } from '../../src/engine/load';
import { rollback } from '../../src/rollback';
import { connect } from '../../src/util/pg';
import { createTestDatabase, dropTestDatabases, testServerUrl } from '../support/pg';
import { migrationDir, removeMigrationDirs } from './support/fixtures';

const USERS = `CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL);
INSERT INTO users (name) SELECT 'user ' || g FROM generate_series(1, 5) AS g;`;

const SEED_MIGRATION = `interface Db {
  query(sql: string, params?: unknown[]): Promise<{ rows: Array<{ id: number }> }>;
  sql(strings: TemplateStringsArray, ...values: unknown[]): Promise<{ rows: unknown[] }>;
}

const DEFAULTS: Record<string, unknown> = { theme: 'light', emails: true };

export const migration = {
  async up(db: Db): Promise<void> {
    await db.query("ALTER TABLE users ADD COLUMN preferences jsonb DEFAULT '{}'::jsonb");
    const { rows } = await db.query("SELECT id FROM users WHERE preferences = '{}'::jsonb ORDER BY id");
    for (const user of rows) {
      await db.sql\`UPDATE users SET preferences = \${JSON.stringify(DEFAULTS)}::jsonb WHERE id = \${user.id}\`;
    }
  },
  async down(db: Db): Promise<void> {
    await db.query('ALTER TABLE users DROP COLUMN preferences');
  },
};
`;

const CHECK = `SELECT count(*) = 0 FROM users WHERE preferences IS NULL OR NOT preferences ? 'theme';\n`;

afterAll(async () => {
  await dropTestDatabases();
  removeMigrationDirs();
});

async function columns(client: Client): Promise<string[]> {
  const { rows } = await client.query("SELECT column_name FROM information_schema.columns WHERE table_name = 'users' ORDER BY ordinal_position");
  return rows.map((r) => r.column_name as string);
}

test('the seed-shaped TypeScript migration is traced to its lines, deployed with its check and rolled back', async () => {
  const dir = migrationDir({ '0001_users.sql': USERS, '0002_preferences.ts': SEED_MIGRATION, '0002_preferences.verify.sql': CHECK });
  const { migrations } = await loadMigrations({ cwd: dir, dirs: ['.'] });
  const seed = migrations[1];
  expect(seed.file.verify?.path).toBe('0002_preferences.verify.sql');
  expect(seed.migration.findings.map((f) => f.rule)).toEqual(['runtime-sql']);
  expect(seed.migration.statements).toEqual([]);

  migrations[0].migration.isNew = false;
  const server = await startEphemeralServer({ shadowUrl: testServerUrl() });
  try {
    const result = await dryRun(migrations, { server });
    expect(result.failed).toBeNull();
  } finally {
    await server.stop();
  }
  const traced = seed.migration.statements;
  // ALTER, SELECT, then one UPDATE per user, each at its line in the module.
  expect(traced.map((s) => [s.kind, s.line])).toEqual([
    ['AlterTableStmt', 10],
    ['SelectStmt', 11],
    ...Array.from({ length: 5 }, () => ['UpdateStmt', 13]),
  ]);
  expect(traced[0].origin).toEqual({ path: '0002_preferences.ts', line: 10, column: expect.any(Number) });
  expect(traced[0].locks).toContainEqual(expect.objectContaining({ relation: 'public.users', mode: 'AccessExclusiveLock', source: 'traced' }));
  expect(traced[2].sql).toMatch(/preferences = '\{"theme":"light","emails":true\}'::jsonb WHERE id = '1'/);
  expect(traced[2].rows).toBe(1);
  expect(seed.migration.checks).toEqual([expect.objectContaining({ ok: true, line: 1 })]);
  expect(seed.migration.roundTrip?.status).toBe('ok');

  const url = await createTestDatabase();
  const deployed = await deploy({ databaseUrl: url, cwd: dir, dirs: ['.'], backup: 'none' });
  expect(deployed.outcome).toBe('applied');
  expect(deployed.migrations[1]).toMatchObject({ mode: 'code', status: 'applied', checks: [expect.objectContaining({ ok: true })] });
  expect(deployed.migrations[1].statements.map((s) => s.line)).toEqual([10, 11, 13, 13, 13, 13, 13]);
  const client = await connect(url);
  try {
    const { rows } = await client.query('SELECT DISTINCT preferences FROM users');
    expect(rows).toEqual([{ preferences: { theme: 'light', emails: true } }]);
    const stored = await client.query("SELECT rollback_script FROM drydock.migration_history WHERE version = '0002' AND status = 'applied'");
    expect(stored.rows[0].rollback_script).toContain('ALTER TABLE users DROP COLUMN preferences');

    const undone = await rollback({ databaseUrl: url, steps: 1, backup: 'none' });
    expect(undone.outcome).toBe('rolled-back');
    expect(await columns(client)).toEqual(['id', 'name']);
  } finally {
    await client.end();
  }
}, 60_000);

test('a failing data check rolls the migration back and names the failing query', async () => {
  const failing = SEED_MIGRATION.replace("{ theme: 'light', emails: true }", "{ emails: true }");
  const section = `ALTER TABLE users ADD COLUMN nickname text;\n-- drydock:verify\nSELECT id, name FROM users WHERE nickname IS NULL;\n`;
  const dir = migrationDir({ '0001_users.sql': USERS, '0002_preferences.ts': failing, '0002_preferences.verify.sql': CHECK, '0003_nickname.sql': section });
  const url = await createTestDatabase();
  const client = await connect(url);
  try {
    const first = await deploy({ databaseUrl: url, cwd: dir, dirs: ['.'], backup: 'none' });
    expect(first.outcome).toBe('failed');
    expect(first.migrations[1].error).toMatchObject({ path: '0002_preferences.verify.sql', line: 1 });
    expect(first.migrations[1].error!.message).toContain("NOT preferences ? 'theme'");
    expect(await columns(client)).toEqual(['id', 'name']);

    // A `-- drydock:verify` section in a SQL migration: the check fails, the ALTER is rolled back.
    const { migrations } = await loadMigrations({ cwd: dir, dirs: ['.'] });
    const third = await deploy({ databaseUrl: url, migrations: [migrations[0], migrations[2]], backup: 'none' });
    expect(third.outcome).toBe('failed');
    expect(third.migrations.at(-1)!.error).toMatchObject({ path: '0003_nickname.sql', line: 3 });
    expect(third.migrations.at(-1)!.error!.message).toMatch(/got 5 row\(s\).*SELECT id, name FROM users WHERE nickname IS NULL/);
    expect(await columns(client)).toEqual(['id', 'name']);
  } finally {
    await client.end();
  }
}, 60_000);
