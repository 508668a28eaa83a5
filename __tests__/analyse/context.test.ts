/** Context makes findings precise: transactions, tables created in the change, timeouts, traced facts. */
import { findings, loadParser, rulesHit, run } from './helpers';
import { analyse } from '../../src/analyse';
import { resolveConfig } from '../../src/config';
import { migration } from './helpers';

const HISTORY = ['CREATE TABLE users (id bigint PRIMARY KEY, name text, age int); CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint);'];

beforeAll(loadParser);

describe('lock windows', () => {
  it('reports a lock held across a later backfill as one finding about the whole window', () => {
    const [m] = run({
      history: HISTORY,
      migrations: ["SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN score int;\nSELECT 1;\nUPDATE users SET score = 0;\nUPDATE users SET name = '';"],
    });
    const held = findings([m]).filter((f) => f.rule === 'lock-held-during-slow-work');
    expect(held).toHaveLength(1);
    expect(held[0]).toMatchObject({ line: 2, column: 1, path: 'migrations/0001/up.sql', id: 'lock-held-during-slow-work@0001#1' });
    expect(held[0].message).toMatch(/ACCESS EXCLUSIVE on public\.users \(line 2\).*line 4 updates public\.users/);
    expect(m.migration.lockWindows).toEqual([
      expect.objectContaining({ relation: 'public.users', mode: 'AccessExclusiveLock', acquiredAt: 1, releasedAt: null, heldDuring: [2, 3, 4] }),
    ]);
  });

  it('says where the strongest lock was taken and since when the table was locked', () => {
    const [m] = run({
      history: HISTORY,
      migrations: ["SET lock_timeout = '2s';\nCREATE INDEX users_age ON users (age);\nUPDATE users SET age = 0;\nALTER TABLE users ADD COLUMN score int;\nUPDATE users SET name = '';"],
    });
    const held = findings([m]).find((f) => f.rule === 'lock-held-during-slow-work')!;
    expect(held.message).toContain('ACCESS EXCLUSIVE on public.users (line 4; locked since line 2)');
  });

  it('ends the window at COMMIT in a file with its own transactions', () => {
    const [m] = run({
      history: HISTORY,
      migrations: [{ sql: "BEGIN;\nSET LOCAL lock_timeout = '1s';\nALTER TABLE users ADD COLUMN score int;\nCOMMIT;\nUPDATE users SET score = 0;", transactional: false }],
    });
    expect(rulesHit([m])).not.toContain('lock-held-during-slow-work');
    expect(m.migration.lockWindows?.[0]).toMatchObject({ acquiredAt: 2, releasedAt: 3, heldDuring: [] });
  });
});

describe('runner transactions', () => {
  it('knows golang-migrate sends the file as one implicit transaction', () => {
    const alone = run({ history: HISTORY, migrations: [{ sql: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS users_name ON users (name);', layout: 'golang-migrate' }] });
    expect(rulesHit(alone)).toEqual([]);
    const shared = run({ history: HISTORY, migrations: [{ sql: "SET lock_timeout = '1s';\nCREATE INDEX CONCURRENTLY IF NOT EXISTS users_name ON users (name);", layout: 'golang-migrate' }] });
    expect(findings(shared).find((f) => f.rule === 'concurrently-in-transaction')?.message).toContain('implicit transaction');
  });

  it('accepts BEGIN/COMMIT in implicit-transaction files but not inside a runner transaction', () => {
    const sql = "BEGIN;\nSET LOCAL lock_timeout = '1s';\nALTER TABLE users ADD COLUMN x int;\nCOMMIT;";
    expect(rulesHit(run({ history: HISTORY, migrations: [{ sql, layout: 'golang-migrate' }] }))).not.toContain('transaction-nesting');
    expect(rulesHit(run({ history: HISTORY, migrations: [{ sql, layout: 'diesel' }] }))).toContain('transaction-nesting');
  });
});

describe('tables created by the change are empty', () => {
  it('does not flag indexing or altering a table created earlier in the same migration', () => {
    const ms = run({ history: HISTORY, migrations: ['CREATE TABLE tags (id bigint PRIMARY KEY, name text);\nCREATE INDEX tags_name ON tags (name);\nALTER TABLE tags ALTER COLUMN name SET NOT NULL;'] });
    expect(rulesHit(ms)).toEqual([]);
  });

  it('treats tables from earlier new migrations of the same PR as empty, but history tables as existing', () => {
    const ms = run({ history: HISTORY, migrations: ['CREATE TABLE tags (id bigint PRIMARY KEY, name text);', 'CREATE INDEX tags_name ON tags (name);\nCREATE INDEX users_name ON users (name);'] });
    const index = findings(ms).filter((f) => f.rule === 'require-concurrent-index');
    expect(index).toHaveLength(1);
    expect(index[0].message).toContain('public.users');
  });

  it('counts rows copied into a new table as slow work under held locks', () => {
    const ms = run({ history: HISTORY, migrations: ['CREATE TABLE user_copy AS SELECT * FROM users;\nDROP TABLE posts;\nCREATE INDEX user_copy_name ON user_copy (name);'] });
    expect(rulesHit(ms)).toContain('lock-held-during-slow-work');
    expect(rulesHit(ms)).not.toContain('require-concurrent-index');
  });

  it('reports nothing for history migrations', () => {
    const ms = run({ history: ['CREATE TABLE a (id int); CREATE INDEX a_id ON a (id); DROP TABLE a;'], migrations: ['SELECT 1;'] });
    expect(findings(ms)).toEqual([]);
  });
});

describe('timeouts', () => {
  it('accepts the runner timeouts from the config', () => {
    const sql = 'ALTER TABLE users ALTER COLUMN age TYPE bigint;';
    expect(rulesHit(run({ history: HISTORY, migrations: [sql] }))).toEqual(expect.arrayContaining(['require-lock-timeout', 'require-statement-timeout']));
    const withRunner = rulesHit(run({ history: HISTORY, migrations: [sql], config: { runnerTimeouts: { lockTimeout: '5s', statementTimeout: '10min' } } }));
    expect(withRunner).not.toContain('require-lock-timeout');
    expect(withRunner).not.toContain('require-statement-timeout');
  });

  it('forgets SET LOCAL at the end of its transaction and honours set_config()', () => {
    const sql = "BEGIN;\nSET LOCAL lock_timeout = '1s';\nALTER TABLE users ADD COLUMN a int;\nCOMMIT;\nBEGIN;\nALTER TABLE users ADD COLUMN b int;\nCOMMIT;";
    const timeouts = findings(run({ history: HISTORY, migrations: [{ sql, transactional: false }] })).filter((f) => f.rule === 'require-lock-timeout');
    expect(timeouts.map((f) => f.line)).toEqual([6]);
    const viaFunction = "SELECT set_config('lock_timeout', '3s', false);\nALTER TABLE users ADD COLUMN c int;";
    expect(rulesHit(run({ history: HISTORY, migrations: [viaFunction] }))).not.toContain('require-lock-timeout');
  });

  it('reports a missing lock_timeout once per transaction', () => {
    const ms = run({ history: HISTORY, migrations: ['ALTER TABLE users ADD COLUMN a int;\nALTER TABLE posts ADD COLUMN b int;\nALTER TABLE users ADD COLUMN c int;'] });
    expect(findings(ms).filter((f) => f.rule === 'require-lock-timeout')).toHaveLength(1);
  });
});

describe('predictions and traced facts', () => {
  it('fills predicted locks and rewrites for new statements', () => {
    const [m] = run({ history: HISTORY, migrations: ['ALTER TABLE posts ADD CONSTRAINT posts_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;'] });
    expect(m.migration.statements[0].locks).toEqual([
      { relation: 'public.posts', mode: 'ShareRowExclusiveLock', source: 'predicted', relkind: 'table' },
      { relation: 'public.users', mode: 'ShareRowExclusiveLock', source: 'predicted', relkind: 'table' },
    ]);
  });

  it('keeps traced locks and trusts a traced "no rewrite" over the prediction', () => {
    const config = resolveConfig({}, 'test');
    const history = migration({ sql: HISTORY[0], isNew: false, id: 'h' });
    const m = migration({ sql: "SET lock_timeout = '1s';\nALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();" }, 1);
    const traced = { relation: 'public.users', mode: 'AccessExclusiveLock' as const, source: 'traced' as const };
    m.migration.statements[1].locks = [traced];
    analyse([history, m], { pgVersion: 15, config });
    expect(m.migration.statements[1].locks).toEqual([traced]);
    expect(m.migration.statements[1].rewrites).toEqual([]);
    expect(rulesHit([m])).not.toContain('column-default-rewrite');
  });

  it('raises no lock alarm for relations the statement itself created, as traced', () => {
    const config = resolveConfig({}, 'test');
    const history = migration({ sql: HISTORY[0], isNew: false, id: 'h' });
    const m = migration({ sql: 'CREATE TABLE events (id serial PRIMARY KEY);\nALTER TABLE users ADD CONSTRAINT users_name_key UNIQUE (name);' }, 1);
    const created = (relation: string, mode: 'AccessExclusiveLock' | 'ShareRowExclusiveLock') => ({ relation, mode, source: 'traced' as const, created: true });
    m.migration.statements[0].locks = [created('public.events_id_seq', 'ShareRowExclusiveLock'), created('public.events_id_seq', 'AccessExclusiveLock'), created('public.events_pkey', 'AccessExclusiveLock')];
    m.migration.statements[1].locks = [
      { relation: 'public.users', mode: 'ShareLock', source: 'traced' },
      { relation: 'public.users', mode: 'AccessExclusiveLock', source: 'traced' },
      created('public.users_name_key', 'AccessExclusiveLock'),
    ];
    analyse([history, m], { pgVersion: 15, config });
    const timeout = findings([m]).filter((f) => f.rule === 'require-lock-timeout');
    // Only the ALTER TABLE on the existing table waits for other sessions.
    expect(timeout).toHaveLength(1);
    expect(timeout[0]).toMatchObject({ line: 2 });
    expect(timeout[0].message).toContain('ACCESS EXCLUSIVE on public.users');
    expect(timeout[0].message).not.toContain('users_name_key');
  });

  it('raises no lock alarm for object locks (ALTER TYPE … ADD VALUE locks the type, which queries never lock)', () => {
    const config = resolveConfig({}, 'test');
    const history = migration({ sql: "CREATE TYPE mood AS ENUM ('sad');", isNew: false, id: 'h' });
    const m = migration({ sql: "ALTER TYPE mood ADD VALUE 'happy';" }, 1);
    // As the tracer reports it: named by pg_identify_object, whose type becomes the relkind.
    m.migration.statements[0].locks = [{ relation: 'public.mood', mode: 'ExclusiveLock', source: 'traced', relkind: 'type' }];
    analyse([history, m], { pgVersion: 15, config });
    expect(rulesHit([m])).not.toContain('require-lock-timeout');
  });
});

describe('slow work', () => {
  it('names the table a traced rewrite rebuilt, not the first of its indexes', () => {
    const config = resolveConfig({}, 'test');
    const history = migration({ sql: HISTORY[0], isNew: false, id: 'h' });
    const m = migration({ sql: "SET lock_timeout = '1s';\nALTER TABLE users ALTER COLUMN age TYPE bigint;" }, 1);
    const traced = (relation: string) => ({ relation, mode: 'AccessExclusiveLock' as const, source: 'traced' as const });
    m.migration.statements[1].locks = [traced('public.users_pkey'), traced('public.users')];
    m.migration.statements[1].rewrites = [
      { relation: 'public.users_pkey', kind: 'index', source: 'traced' },
      { relation: 'public.users', kind: 'table', source: 'traced' },
    ];
    analyse([history, m], { pgVersion: 15, config });
    const timeout = findings([m]).find((f) => f.rule === 'require-statement-timeout');
    expect(timeout?.message).toContain('rewrites public.users while');
  });
});

describe('system catalogs', () => {
  it('resolves an unqualified pg_ name to pg_catalog and does not count catalog updates as slow work', () => {
    const [m] = run({
      history: HISTORY,
      migrations: ["SET lock_timeout = '1s';\nALTER TABLE users ADD COLUMN x int;\nUPDATE pg_index SET indisready = true WHERE indrelid = 'users'::regclass;"],
    });
    expect(m.migration.statements[2].locks.map((l) => l.relation)).toEqual(['pg_catalog.pg_index']);
    expect(findings([m]).filter((f) => f.message.includes('pg_index'))).toEqual([]);
  });
});

describe('suppression', () => {
  it('silences a finding with a reason and keeps it in the report', () => {
    const [m] = run({ history: HISTORY, migrations: ["SET lock_timeout = '1s';\nALTER TABLE users DROP COLUMN age; -- drydock:ignore drop-column -- removed from the app in v3"] });
    const drop = findings([m]).find((f) => f.rule === 'drop-column');
    expect(drop?.suppressed).toEqual({ by: 'ignore', reason: 'removed from the app in v3' });
  });

  it('reports a directive without a reason or with an unknown rule', () => {
    const ms = run({ history: HISTORY, migrations: ["SET lock_timeout = '1s';\n-- drydock:ignore drop-colum -- typo\nALTER TABLE users DROP COLUMN age;"] });
    const bad = findings(ms).find((f) => f.rule === 'ignore-directive');
    expect(bad).toMatchObject({ severity: 'error', line: 3 });
    expect(bad?.message).toContain('unknown rule drop-colum');
    expect(findings(ms).find((f) => f.rule === 'drop-column')?.suppressed).toBeUndefined();
  });
});

describe('configuration', () => {
  it('disables rules and overrides severities', () => {
    const sql = 'CREATE TABLE t (id serial PRIMARY KEY, at timestamp);';
    const ms = run({ migrations: [sql], config: { rules: { 'prefer-identity': false, 'prefer-timestamptz': 'error' } } });
    expect(rulesHit(ms)).not.toContain('prefer-identity');
    expect(findings(ms).find((f) => f.rule === 'prefer-timestamptz')?.severity).toBe('error');
  });
});
