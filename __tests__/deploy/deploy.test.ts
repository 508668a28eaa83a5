/** End-to-end deploys against a real PostgreSQL (the embedded test server). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deploy, resolve, status } from '../../src/deploy';
import type { DeployOptions } from '../../src/deploy';
import { loadParser } from '../../src/parse/parser';
import { withClient } from '../../src/util/pg';
import { createTestDatabase, dropTestDatabases } from '../support/pg';
import { exampleMigrations, migration } from './helpers';

jest.setTimeout(60_000);

beforeAll(loadParser);
afterAll(dropTestDatabases);

function options(databaseUrl: string, extra: Partial<DeployOptions> = {}): DeployOptions & { lines: string[] } {
  const lines: string[] = [];
  return {
    databaseUrl,
    migrations: exampleMigrations(),
    actor: 'octocat',
    backup: 'none',
    retryDelay: 100,
    retryMaxDelay: 400,
    log: (line) => lines.push(line),
    lines,
    ...extra,
  };
}

async function historyRows(url: string) {
  return withClient(url, async (c) =>
    (
      await c.query<{ version: string; status: string; blocks_deploy: boolean; checksum: string; applied_by: string; wal_bytes: string | null; statement_timings: unknown[]; error: string | null; cleanup: string | null; pitr_lsn: string | null; rollback_script: string | null }>(
        'SELECT * FROM drydock.migration_history ORDER BY id',
      )
    ).rows,
  );
}

describe('deploy', () => {
  test('applies the example migrations, records them, and is idempotent', async () => {
    const url = await createTestDatabase();
    const opts = options(url, { verify: { scripts: true } });
    const result = await deploy(opts);
    expect(result.outcome).toBe('applied');
    expect(result.exitCode).toBe(0);
    expect(result.migrations.map((m) => [m.version, m.status, m.mode])).toEqual([
      ['001', 'applied', 'transaction'],
      ['002', 'applied', 'statements'],
      ['003', 'applied', 'transaction'],
    ]);
    const [first] = result.migrations;
    expect(first.walBytes).toBeGreaterThan(0);
    expect(first.statements).toHaveLength(2);
    expect(first.sizes).toEqual([{ relation: 'accounts', beforeBytes: null, afterBytes: expect.any(Number) }]);
    expect(result.pitr?.lsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    expect(result.verify?.ok).toBe(true);
    expect(result.verify?.scripts).toEqual([{ version: '003', path: expect.stringContaining('.verify.sql'), status: 'pass' }]);

    const checks = result.preflight.map((l) => l.check);
    expect(checks).toEqual(expect.arrayContaining(['connection', 'deploy lock', 'pending migrations', 'checksums', 'privileges', 'sessions', 'rewrite disk', 'WAL archiving', 'replication lag']));
    expect(result.preflight.find((l) => l.check === 'WAL archiving')?.status).toBe('warn');
    expect(opts.lines.some((l) => /^\[2\/3\] 002 index accounts email: applying \(elapsed .*, ETA .*\)$/.test(l))).toBe(true);
    expect(result.summary).toContain('applied  001 create accounts (transaction');
    expect(result.summary).not.toContain(new URL(url).password || 'no-password-in-url');

    const rows = await historyRows(url);
    expect(rows.map((r) => [r.version, r.status, r.applied_by])).toEqual([
      ['001', 'applied', 'octocat'],
      ['002', 'applied', 'octocat'],
      ['003', 'applied', 'octocat'],
    ]);
    expect(rows[0].checksum).toBe(opts.migrations![0].migration.checksum);
    // The plan made at apply time: drydock's header, then the down script as written.
    expect(rows[0].rollback_script).toMatch(/^-- drydock:rollback down-script for 001\n/);
    expect(rows[0].rollback_script).toContain('DROP TABLE accounts;');
    expect(rows[0].pitr_lsn).toBe(result.pitr?.lsn);
    expect(rows[1].statement_timings).toHaveLength(1);
    const valid = await withClient(url, (c) => c.query("SELECT indisvalid FROM pg_index WHERE indexrelid = 'accounts_email_idx'::regclass"));
    expect(valid.rows[0].indisvalid).toBe(true);

    const again = await deploy(options(url));
    expect(again.outcome).toBe('up-to-date');
    expect(again.migrations).toEqual([]);

    const st = await status({ databaseUrl: url, migrations: exampleMigrations() });
    expect(st.applied.map((r) => r.version)).toEqual(['001', '002', '003']);
    expect(st.pending).toEqual([]);
    expect(st.lock).toBeNull();
    expect(st.summary).toContain('lock: free');
  });

  test('refuses when an applied migration was edited, naming the file', async () => {
    const url = await createTestDatabase();
    await deploy(options(url));
    const edited = exampleMigrations();
    edited[0] = migration({ id: '001', description: 'create accounts', sql: 'CREATE TABLE accounts (id bigint PRIMARY KEY);' });
    edited.push(migration({ id: '004', description: 'create audit', sql: 'CREATE TABLE audit (id bigint);' }));
    const result = await deploy(options(url, { migrations: edited }));
    expect(result.outcome).toBe('refused');
    expect(result.exitCode).toBe(1);
    const line = result.preflight.find((l) => l.check === 'checksums')!;
    expect(line.status).toBe('fail');
    expect(line.message).toContain('db/migrations/001_create_accounts.sql');
    expect(result.summary).toContain('fail  checksums');
    const audit = await withClient(url, (c) => c.query("SELECT to_regclass('audit') AS t"));
    expect(audit.rows[0].t).toBeNull();
    const st = await status({ databaseUrl: url, migrations: edited });
    expect(st.edited).toEqual([{ version: '001', path: 'db/migrations/001_create_accounts.sql' }]);
  });

  test('a failing transactional migration leaves only a failed history row', async () => {
    const url = await createTestDatabase();
    const broken = [
      migration({ id: '001', description: 'two tables', sql: 'CREATE TABLE a (id int);\nCREATE TABLE b (id int REFERENCES missing(id));' }),
    ];
    const result = await deploy(options(url, { migrations: broken }));
    expect(result.outcome).toBe('failed');
    expect(result.migrations[0].error).toMatchObject({ code: '42P01', line: 2, statementIndex: 1 });
    expect(result.summary).toContain('rolled back: nothing of it remains');
    const tables = await withClient(url, (c) => c.query("SELECT to_regclass('a') AS a"));
    expect(tables.rows[0].a).toBeNull();
    const rows = await historyRows(url);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ version: '001', status: 'failed', blocks_deploy: false });
    expect(rows[0].error).toContain('missing');

    const fixed = [migration({ id: '001', description: 'two tables', sql: 'CREATE TABLE a (id int PRIMARY KEY);\nCREATE TABLE b (id int REFERENCES a(id));' })];
    expect((await deploy(options(url, { migrations: fixed }))).outcome).toBe('applied');
  });

  test('a failing CREATE INDEX CONCURRENTLY blocks later deploys, names the INVALID index, until resolve', async () => {
    const url = await createTestDatabase();
    await withClient(url, (c) => c.query("CREATE TABLE users (id int, email text); INSERT INTO users VALUES (1, 'a'), (2, 'a');"));
    const cic = () => [
      migration({ id: '001', description: 'unique email', sql: 'CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);', transactional: false }),
    ];
    const result = await deploy(options(url, { migrations: cic() }));
    expect(result.outcome).toBe('failed');
    expect(result.migrations[0].error?.code).toBe('23505');
    expect(result.migrations[0].cleanup).toEqual(['DROP INDEX CONCURRENTLY IF EXISTS users_email_key; -- left INVALID by the failed statement']);
    expect(result.summary).toContain('drydock resolve --version 001');

    const blocked = await deploy(options(url, { migrations: cic() }));
    expect(blocked.outcome).toBe('refused');
    const line = blocked.preflight.find((l) => l.check === 'failed migrations')!;
    expect(line.status).toBe('fail');
    expect(line.fix).toContain('DROP INDEX CONCURRENTLY IF EXISTS users_email_key');
    expect((await status({ databaseUrl: url })).summary).toContain('blocks deploys until `drydock resolve`');

    await withClient(url, (c) => c.query("DROP INDEX users_email_key; UPDATE users SET email = 'b' WHERE id = 2;"));
    const resolved = await resolve({ databaseUrl: url, version: '001', as: 'rolled-back', actor: 'octocat' });
    expect(resolved.summary).toContain('next deploy runs it again');
    const retried = await deploy(options(url, { migrations: cic() }));
    expect(retried.outcome).toBe('applied');
  });

  test('resolve --applied records a hand-finished migration as applied', async () => {
    const url = await createTestDatabase();
    await withClient(url, (c) => c.query("CREATE TABLE t (v text); INSERT INTO t VALUES ('x'), ('x');"));
    const migrations = [
      migration({ id: '001', description: 'two steps', sql: 'CREATE INDEX CONCURRENTLY t_v_idx ON t (v);\nCREATE UNIQUE INDEX CONCURRENTLY t_v_key ON t (v);', transactional: false }),
    ];
    const failed = await deploy(options(url, { migrations }));
    expect(failed.migrations[0].error?.committedStatements).toBe(1);
    await expect(resolve({ databaseUrl: url, version: '002', as: 'applied' })).rejects.toThrow('no failed or interrupted run');
    await resolve({ databaseUrl: url, version: '001', as: 'applied', migrations });
    const after = await deploy(options(url, { migrations }));
    expect(after.outcome).toBe('up-to-date');
  });

  test('requires a backup step or an explicit none, and refuses an unverified backup', async () => {
    const url = await createTestDatabase();
    await expect(deploy({ ...options(url), backup: undefined as unknown as 'none' })).rejects.toThrow('deploy needs a backup step');
    const result = await deploy(
      options(url, {
        backup: { name: 'broken', run: async () => ({ location: 's3://b/k', sha256: 'not-a-hash', bytes: 0 }) },
      }),
    );
    expect(result.outcome).toBe('refused');
    expect(result.preflight.at(-1)).toMatchObject({ check: 'backup', status: 'fail' });
    const tables = await withClient(url, (c) => c.query("SELECT to_regclass('accounts') AS t"));
    expect(tables.rows[0].t).toBeNull();
  });

  test('never logs the database URL or its password', async () => {
    const url = await createTestDatabase();
    const withPassword = new URL(url);
    withPassword.password = 'sup3r-secret-pw';
    const opts = options(withPassword.toString());
    // The test server trusts local connections, so the password is accepted and ignored.
    const result = await deploy(opts);
    expect(result.outcome).toBe('applied');
    const everything = [...opts.lines, result.summary].join('\n');
    expect(everything).not.toContain('sup3r-secret-pw');
    expect(everything).toContain(`${withPassword.hostname}:${withPassword.port}${withPassword.pathname}`);
  });
});

describe('files with their own transaction control', () => {
  test('a BEGIN … COMMIT wrapper runs as one drydock transaction; BEGIN/COMMIT mid-file runs as written', async () => {
    const url = await createTestDatabase();
    const migrations = [
      migration({ id: '001', description: 'wrapped', sql: 'BEGIN;\nCREATE TABLE w (id int);\nINSERT INTO w VALUES (1);\nCOMMIT;' }),
      migration({ id: '002', description: 'script', sql: 'CREATE TABLE s1 (id int);\nBEGIN;\nINSERT INTO s1 VALUES (1);\nINSERT INTO s1 VALUES (2);\nCOMMIT;\nCREATE INDEX CONCURRENTLY s1_id_idx ON s1 (id);' }),
    ];
    const result = await deploy(options(url, { migrations }));
    expect(result.outcome).toBe('applied');
    expect(result.migrations.map((m) => [m.version, m.mode, m.statements.length])).toEqual([
      ['001', 'transaction', 2],
      ['002', 'script', 6],
    ]);
    const count = await withClient(url, (c) => c.query('SELECT (SELECT count(*) FROM w)::int AS w, (SELECT count(*) FROM s1)::int AS s1'));
    expect(count.rows[0]).toEqual({ w: 1, s1: 2 });
  });
});

describe('deploy with the Action\'s request shape', () => {
  test('discovers the migrations from cwd/dirs when none are given', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drydock-deploy-'));
    try {
      fs.mkdirSync(path.join(dir, 'migrations'));
      fs.writeFileSync(path.join(dir, 'migrations', '1_create_widgets.sql'), 'CREATE TABLE widgets (id int);\n');
      fs.writeFileSync(path.join(dir, 'migrations', '2_index_widgets.sql'), 'CREATE INDEX CONCURRENTLY widgets_id_idx ON widgets (id);\n');
      const url = await createTestDatabase();
      await expect(deploy({ databaseUrl: '', cwd: dir, dirs: ['migrations'], backup: 'none' })).rejects.toThrow('deploy needs the target database URL');
      const result = await deploy({ databaseUrl: url, cwd: dir, dirs: ['migrations'], backup: 'none', actor: null as unknown as string });
      expect(result.outcome).toBe('applied');
      expect(result.migrations.map((m) => [m.version, m.mode])).toEqual([
        ['1', 'transaction'],
        ['2', 'statements'],
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('pre-flight checks on the target', () => {
  test('refuses when predicted rewrites need more disk than the configured limit', async () => {
    const url = await createTestDatabase();
    await withClient(url, (c) => c.query("CREATE TABLE big (id int, v text); INSERT INTO big SELECT g, repeat('x', 100) FROM generate_series(1, 5000) g;"));
    const pm = migration({ id: '001', description: 'retype', sql: 'ALTER TABLE big ALTER COLUMN id TYPE bigint;' });
    pm.migration.statements[0].rewrites = [{ relation: 'public.big', kind: 'table', source: 'predicted' }];
    const refused = await deploy(options(url, { migrations: [pm], rewriteDiskLimitBytes: 64 * 1024 }));
    expect(refused.outcome).toBe('refused');
    expect(refused.preflight.find((l) => l.check === 'rewrite disk')).toMatchObject({ status: 'fail', message: expect.stringMatching(/rewrites of public\.big need about .* kB, above the limit of 64 kB/) });
    const allowed = await deploy(options(url, { migrations: [pm], rewriteDiskLimitBytes: 64 * 1024 * 1024 }));
    expect(allowed.outcome).toBe('applied');
    expect(allowed.preflight.find((l) => l.check === 'rewrite disk')?.status).toBe('pass');
  });

  test('warns when the deploy role does not own an affected table', async () => {
    const url = await createTestDatabase();
    const role = `deployer_${Date.now().toString(36)}`;
    const database = new URL(url).pathname.slice(1);
    await withClient(url, (c) => c.query(`CREATE ROLE ${role} LOGIN; GRANT CREATE ON DATABASE "${database}" TO ${role}; GRANT ALL ON SCHEMA public TO ${role}; CREATE TABLE owned_by_admin (id int);`));
    try {
      const asRole = new URL(url);
      asRole.username = role;
      const pm = migration({ id: '001', description: 'alter', sql: 'ALTER TABLE owned_by_admin ADD COLUMN note text;' });
      const result = await deploy(options(asRole.toString(), { migrations: [pm] }));
      expect(result.preflight.find((l) => l.check === 'privileges')).toMatchObject({ status: 'warn', message: expect.stringContaining('not owner of owned_by_admin') });
      expect(result.outcome).toBe('failed');
      expect(result.migrations[0].error?.code).toBe('42501');
    } finally {
      // DROP OWNED also revokes the role's privileges on the database itself.
      await withClient(url, (c) => c.query(`DROP OWNED BY ${role}`));
      await withClient(new URL('/postgres', url).toString(), (c) => c.query(`DROP ROLE ${role}`));
    }
  });
});
