/**
 * Dry-run behaviour beyond single statements: lock windows over several statements, transaction
 * handling (drydock's own, the file's own, non-transactional), failures mapped to file positions,
 * invalid indexes, the down round trip, setup SQL and the base-schema cache. On every test server.
 */
import { dryRun } from '../../src/dryrun';
import { DrydockError } from '../../src/util/errors';
import { dropTestDatabases, testServerVersions } from '../support/pg';
import { buildMigrations, relationLocks, testServer } from './helpers';

afterAll(dropTestDatabases);

const BASE = `CREATE TABLE accounts (id int PRIMARY KEY, email text, balance int);
INSERT INTO accounts SELECT g, 'u' || g || '@example.com', g FROM generate_series(1, 50) g;
CREATE TABLE events (id bigserial PRIMARY KEY, account_id int REFERENCES accounts (id), kind text);`;

describe.each(testServerVersions())('PostgreSQL %s', (major) => {
  test('lock windows span the statements between acquisition and COMMIT', async () => {
    const migrations = await buildMigrations([
      { id: '1', up: BASE, isNew: false },
      {
        id: '2',
        up: [
          'ALTER TABLE accounts ADD COLUMN plan text;',
          "UPDATE accounts SET plan = 'free';",
          'CREATE INDEX accounts_plan ON accounts (plan);',
          'SELECT count(*) FROM events;',
        ].join('\n'),
      },
    ]);
    const server = await testServer(major);
    try {
      await dryRun(migrations, { server, cacheDir: null });
    } finally {
      await server.stop();
    }
    const m = migrations[1].migration;
    const ael = m.lockWindows!.find((w) => w.relation === 'public.accounts' && w.mode === 'AccessExclusiveLock')!;
    expect(ael).toMatchObject({ acquiredAt: 0, releasedAt: null, heldDuring: [1, 2, 3] });
    expect(ael.holdMs).toBeGreaterThan(0);
    expect(m.lockWindows).toContainEqual(expect.objectContaining({ relation: 'public.accounts', mode: 'ShareLock', acquiredAt: 2, heldDuring: [3] }));
    expect(m.lockWindows).toContainEqual(expect.objectContaining({ relation: 'public.events', mode: 'AccessShareLock', acquiredAt: 3, heldDuring: [] }));
    // Locks already held are not reported again by later statements.
    expect(relationLocks(m.statements[1])).toEqual(['public.accounts:RowExclusiveLock', 'public.accounts_pkey:RowExclusiveLock']);
    expect(m.statements[1].rows).toBe(50);
    expect(m.statements[1].walBytes).toBeGreaterThan(0);
    expect(m.statements[1].scan).toEqual({ relation: 'public.accounts', seqScans: 1, tuplesRead: 50 });
  });

  test('a file with its own BEGIN/COMMIT runs as written; statements outside it commit alone', async () => {
    const migrations = await buildMigrations([
      { id: '1', up: BASE, isNew: false },
      {
        id: '2',
        up: [
          'SET lock_timeout = 1500;',
          'BEGIN;',
          'LOCK TABLE accounts IN SHARE ROW EXCLUSIVE MODE;',
          'ALTER TABLE accounts ADD COLUMN note text;',
          'COMMIT;',
          'ALTER TABLE events ADD COLUMN note text;',
        ].join('\n'),
        transactional: false,
      },
    ]);
    const server = await testServer(major);
    try {
      await dryRun(migrations, { server, cacheDir: null });
    } finally {
      await server.stop();
    }
    const m = migrations[1].migration;
    expect(m.lockWindows).toContainEqual(
      expect.objectContaining({ relation: 'public.accounts', mode: 'ShareRowExclusiveLock', acquiredAt: 2, releasedAt: 4, heldDuring: [3] }),
    );
    expect(m.lockWindows).toContainEqual(expect.objectContaining({ relation: 'public.accounts', mode: 'AccessExclusiveLock', acquiredAt: 3, releasedAt: 4 }));
    expect(m.lockWindows).toContainEqual(expect.objectContaining({ relation: 'public.events', mode: 'AccessExclusiveLock', acquiredAt: 5, releasedAt: 5, heldDuring: [] }));
    // The session setting is in force for the statements after it.
    expect(m.statements[3].timeouts).toEqual({ lockTimeout: '1500ms', statementTimeout: '0' });
    expect(m.statements[5].timeouts).toEqual({ lockTimeout: '1500ms', statementTimeout: '0' });
  });

  test('CREATE INDEX CONCURRENTLY runs outside a transaction; a failed build reports the INVALID index', async () => {
    const migrations = await buildMigrations([
      { id: '1', up: BASE + "\nINSERT INTO events (account_id, kind) VALUES (1, 'a'), (1, 'a');", isNew: false },
      { id: '2', up: 'CREATE INDEX CONCURRENTLY accounts_email ON accounts (email);' },
      { id: '3', up: 'CREATE UNIQUE INDEX CONCURRENTLY events_kind ON events (kind);' },
    ]);
    const server = await testServer(major);
    let result;
    try {
      result = await dryRun(migrations, { server, cacheDir: null });
    } finally {
      await server.stop();
    }
    const ok = migrations[1].migration.statements[0];
    expect(ok.error).toBeNull();
    expect(relationLocks(ok)).toContain('public.accounts:ShareUpdateExclusiveLock');
    expect(migrations[1].migration.lockWindows).toContainEqual(
      expect.objectContaining({ relation: 'public.accounts', mode: 'ShareUpdateExclusiveLock', acquiredAt: 0, releasedAt: 0 }),
    );
    const failed = migrations[2].migration.statements[0];
    expect(failed.error).toMatchObject({ code: '23505', path: 'migrations/3/up.sql', line: 1, column: 1 });
    expect(failed.findings.map((f) => f.rule).sort()).toEqual(['dry-run-error', 'invalid-index']);
    expect(failed.findings.find((f) => f.rule === 'invalid-index')!.message).toContain('public.events_kind');
    expect(result!.failed).toMatchObject({ migration: '3', line: 1 });
  });

  test('a failing new statement is reported at its line and column, and tracing stops', async () => {
    const migrations = await buildMigrations([
      { id: '1', up: BASE, isNew: false },
      { id: '2', up: 'ALTER TABLE accounts ADD COLUMN a int;\n\nUPDATE accounts\n   SET balance = missing_column + 1;\n' },
      { id: '3', up: 'ALTER TABLE accounts ADD COLUMN b int;' },
    ]);
    const server = await testServer(major);
    let result;
    try {
      result = await dryRun(migrations, { server, cacheDir: null });
    } finally {
      await server.stop();
    }
    const statement = migrations[1].migration.statements[1];
    expect(statement.error).toMatchObject({ code: '42703', path: 'migrations/2/up.sql', line: 4, column: 18 });
    expect(statement.error!.message).toContain('missing_column');
    expect(result!.failed).toMatchObject({ migration: '2', line: 4, column: 18 });
    expect(migrations[2].migration.statements[0].durationMs).toBeNull();
  });

  test('a new statement that needs a platform role says where such prerequisites go', async () => {
    const migrations = await buildMigrations([
      { id: '1', up: BASE, isNew: false },
      { id: '2', up: "ALTER ROLE platform_admin SET lock_timeout TO '8s';" },
    ]);
    const server = await testServer(major);
    try {
      await dryRun(migrations, { server, cacheDir: null });
    } finally {
      await server.stop();
    }
    const finding = migrations[1].migration.statements[0].findings.find((f) => f.rule === 'dry-run-error')!;
    expect(finding.message).toContain('role "platform_admin" does not exist');
    expect(finding.suggestion).toContain('--setup-sql');
  });

  test('a failing history statement is a DrydockError at path:line:column with detail and hint', async () => {
    const migrations = await buildMigrations([
      { id: '1', up: BASE, isNew: false },
      { id: '2', up: "CREATE TABLE t (id int);\nINSERT INTO t VALUES (1);\nALTER TABLE t\n  ADD CONSTRAINT t_id CHECK (id > 5);", isNew: false },
      { id: '3', up: 'SELECT 1' },
    ]);
    const server = await testServer(major);
    try {
      const error = await dryRun(migrations, { server, cacheDir: null }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DrydockError);
      const formatted = (error as DrydockError).format();
      expect((error as DrydockError).position).toEqual({ path: 'migrations/2/up.sql', line: 3, column: 1 });
      expect(formatted).toContain('check constraint "t_id"');
      expect(formatted).toContain('SQLSTATE: 23514');
      expect(formatted).toContain('--setup-sql');
      const hinted = await buildMigrations([{ id: '1', up: 'SELECT 1;\nSELECT lenght(\'x\');', isNew: false }, { id: '2', up: 'SELECT 1' }]);
      const hintError = (await dryRun(hinted, { server, cacheDir: null }).catch((e: unknown) => e)) as DrydockError;
      expect(hintError.position).toEqual({ path: 'migrations/1/up.sql', line: 2, column: 8 });
      expect(hintError.format()).toMatch(/HINT: No function matches/);
    } finally {
      await server.stop();
    }
  });

  test('a down script that does not restore the schema is caught with its diff', async () => {
    const migrations = await buildMigrations([
      { id: '1', up: BASE + "\nCREATE TYPE mood AS ENUM ('sad', 'ok');", isNew: false },
      {
        id: '2',
        up: "ALTER TABLE accounts ALTER COLUMN email TYPE varchar(200);\nALTER TABLE accounts ALTER COLUMN email SET NOT NULL;\nCREATE INDEX events_kind ON events (kind);\nALTER TYPE mood ADD VALUE IF NOT EXISTS 'happy';",
        down: 'DROP INDEX events_kind;\nALTER TABLE accounts ALTER COLUMN email DROP NOT NULL;',
      },
      { id: '3', up: 'CREATE TABLE audit (id int);', down: 'DROP TABLE audit;' },
    ]);
    const server = await testServer(major);
    try {
      await dryRun(migrations, { server, cacheDir: null });
    } finally {
      await server.stop();
    }
    const bad = migrations[1].migration;
    expect(bad.roundTrip!.status).toBe('differs');
    expect(bad.roundTrip!.diff).toEqual([
      'column public.accounts.email: type text → character varying(200)',
      "type public.mood: enum ('sad', 'ok') → enum ('sad', 'ok', 'happy')",
    ]);
    const finding = bad.findings.find((f) => f.rule === 'down-round-trip')!;
    expect(finding).toMatchObject({ severity: 'error', path: 'migrations/2/down.sql' });
    expect(finding.message).toContain('column public.accounts.email: type text → character varying(200)');
    expect(migrations[2].migration.roundTrip).toEqual({ status: 'ok', diff: [] });
  });

  test('an edited repeatable migration starts from its earlier text, and going back to it is proven', async () => {
    const earlier = 'DROP VIEW IF EXISTS account_emails;\nCREATE VIEW account_emails AS SELECT email FROM accounts;';
    const edited = 'DROP VIEW IF EXISTS account_emails;\nCREATE VIEW account_emails AS SELECT id, email FROM accounts;';
    // As discovery hands it over with --base: new, and its text at the base attached as the down script.
    const migrations = await buildMigrations([
      { id: '1', up: BASE, isNew: false },
      { id: 'account_emails', up: edited, down: earlier, path: 'db/R__account_emails.sql' },
    ]);
    const repeatable = migrations[1];
    repeatable.file.direction = 'repeatable';
    repeatable.migration.direction = 'repeatable';
    const server = await testServer(major);
    try {
      const result = await dryRun(migrations, { server, cacheDir: null });
      expect(result.failed).toBeNull();
    } finally {
      await server.stop();
    }
    // The view existed before the edit (the earlier text was replayed with the history)…
    expect(relationLocks(repeatable.migration.statements[0])).toEqual(['public.account_emails:AccessExclusiveLock']);
    // …and re-applying the earlier text brings it back exactly.
    expect(repeatable.migration.roundTrip).toEqual({ status: 'ok', diff: [] });
  });

  test('setup SQL prepares platform prerequisites; the base schema is cached by history checksums', async () => {
    const setupSql = "DO $$ BEGIN CREATE ROLE app_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$;\nCREATE SCHEMA platform;\nCREATE TABLE platform.settings (k text PRIMARY KEY);";
    const specs = (extra: string) => [
      { id: '1', up: BASE, isNew: false },
      { id: '2', up: 'GRANT SELECT ON platform.settings TO app_reader;\nCREATE TABLE notes (id int);', isNew: false },
      { id: '3', up: `ALTER TABLE notes ADD COLUMN ${extra} text;` },
    ];
    const server = await testServer(major);
    const cacheDir = '/unused-for-shadow-servers';
    try {
      const cold = await dryRun(await buildMigrations(specs('a')), { server, setupSql, cacheDir });
      const warmMigrations = await buildMigrations(specs('b'));
      const warm = await dryRun(warmMigrations, { server, setupSql, cacheDir });
      const otherSetup = await dryRun(await buildMigrations(specs('c')), { server, setupSql: setupSql + '\nCREATE SCHEMA extra;', cacheDir });
      expect(cold.cacheHit).toBe(false);
      expect(warm.cacheHit).toBe(true);
      expect(warm.baseSchemaDatabase).toBe(cold.baseSchemaDatabase);
      expect(warm.timings.replayMs).toBe(0);
      expect(otherSetup.cacheHit).toBe(false);
      expect(relationLocks(warmMigrations[2].migration.statements[0])).toEqual(['public.notes:AccessExclusiveLock']);
    } finally {
      await server.stop();
    }
  });

  test('setup SQL errors point into the setup file', async () => {
    const server = await testServer(major);
    try {
      const error = (await dryRun(await buildMigrations([{ id: '1', up: 'SELECT 1' }]), {
        server,
        setupSql: 'CREATE SCHEMA s;\nCREATE EXTENSION no_such_extension;',
        setupSqlPath: 'ci/setup.sql',
        cacheDir: null,
      }).catch((e: unknown) => e)) as DrydockError;
      expect(error).toBeInstanceOf(DrydockError);
      expect(error.position).toEqual({ path: 'ci/setup.sql', line: 2, column: 1 });
      expect(error.fix).toContain('--setup-sql');
    } finally {
      await server.stop();
    }
  });

  test('history the server rejects as a syntax error points at the server version', async () => {
    // PostgreSQL 16 dropped the alias a subquery in FROM needed; a 15 server calls it a syntax error.
    const history = 'CREATE TABLE t AS SELECT * FROM (SELECT 1 AS x);';
    const server = await testServer(major);
    try {
      const run = dryRun(await buildMigrations([{ id: '1', up: history, isNew: false }, { id: '2', up: 'SELECT 1;' }]), { server, cacheDir: null });
      if (Number(major) >= 16) {
        expect((await run).failed).toBeNull();
      } else {
        const error = (await run.catch((e: unknown) => e)) as DrydockError;
        expect(error).toBeInstanceOf(DrydockError);
        expect(error.message).toContain('subquery in FROM must have an alias');
        expect(error.fix).toContain('--pg-version');
      }
    } finally {
      await server.stop();
    }
  });

  test('a transaction holding as many locks as a default server allows is not failed by the dry run', async () => {
    // 12,000 locks fit PostgreSQL's default lock table (max_connections 100) on 13–18; with a
    // smaller throwaway server the statement failed with "out of shared memory".
    const up = 'SELECT count(pg_advisory_xact_lock(g)) FROM generate_series(1, 12000) g;';
    const migrations = await buildMigrations([{ id: '1', up: 'CREATE TABLE t (id int);', isNew: false }, { id: '2', up }]);
    const server = await testServer(major);
    try {
      expect((await dryRun(migrations, { server, cacheDir: null, roundTrip: false })).failed).toBeNull();
    } finally {
      await server.stop();
    }
    expect(migrations[1].migration.statements[0].error).toBeNull();
  });
});
