/**
 * Changelog entries from parsed migrations: schema vs data, the descriptions quoted from the
 * author's SQL, and the rollback text taken from the rollback plan.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { changelogEntry, describeStatement, IRREVERSIBLE, rollbackIsSql } from '../../src/changelog';
import { loadMigrations } from '../../src/engine/load';
import type { ParsedMigration } from '../../src/engine/types';
import { loadParser, parseSql } from '../../src/parse/parser';

const DATE = '2025-05-02T10:00:00.000Z';
const ROOT = path.resolve(__dirname, '../..');

let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drydock-changelog-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Discover and parse migration files the way deploy does (golang-migrate layout). */
async function migrations(files: Record<string, string>): Promise<ParsedMigration[]> {
  const folder = fs.mkdtempSync(path.join(dir, 'm-'));
  for (const [name, sql] of Object.entries(files)) fs.writeFileSync(path.join(folder, name), sql);
  return (await loadMigrations({ cwd: folder, dirs: ['.'], layout: 'golang-migrate' })).migrations;
}

async function describe1(sql: string) {
  await loadParser();
  return describeStatement(parseSql(sql, 'x.sql').statements[0]);
}

test('the example migrations: one entry per migration, each statement typed, described and given its way back', async () => {
  const loaded = (await loadMigrations({ cwd: path.join(ROOT, 'examples'), dirs: ['migrations'] })).migrations;
  const entries = loaded.map((pm) => changelogEntry(pm, DATE));
  expect(entries.map((e) => e.version)).toEqual(['1', '2', '3', '4', '5']);
  expect(entries.every((e) => e.date === DATE)).toBe(true);
  expect(entries[0].changes[0]).toEqual({ type: 'schema', table: 'public.users', description: 'create table public.users (4 columns)', rollback: 'DROP TABLE users' });
  expect(entries[2].changes).toEqual([
    { type: 'schema', table: 'public.orders', description: "add column status text NOT NULL DEFAULT 'pending' to public.orders", rollback: 'ALTER TABLE orders DROP COLUMN status' },
    { type: 'schema', table: 'public.orders', description: 'create index orders_status_idx on public.orders (status)', rollback: 'DROP INDEX orders_status_idx' },
    {
      type: 'data',
      table: 'public.orders',
      description: 'update public.orders set status where shipped_at IS NOT NULL',
      // The backfill writes only the column the rollback drops.
      rollback: 'nothing to undo: backfills only columns this migration added (status); dropping them undoes it',
    },
  ]);
  expect(entries[3].changes).toEqual([
    { type: 'schema', table: 'public.users', description: 'add constraint users_email_key UNIQUE (email) to public.users', rollback: 'ALTER TABLE users DROP CONSTRAINT users_email_key' },
  ]);
  // IF NOT EXISTS may have done nothing, so drydock does not invert it itself; the author's down script does.
  expect(entries[4].changes).toEqual([
    {
      type: 'schema',
      table: 'public.orders',
      description: 'create index concurrently orders_created_at_idx on public.orders (created_at)',
      rollback: 'covered by the down script examples/migrations/5_index_orders_created_at.down.sql',
    },
  ]);
});

test('data changes on existing tables are irreversible; session settings are no change at all', async () => {
  const [pm] = await migrations({
    '7_backfill.up.sql': [
      "SET lock_timeout = '2s';",
      "UPDATE app.accounts SET plan = 'pro', tier = 2 WHERE id IN (SELECT account_id FROM app.subscriptions);",
      'DELETE FROM app.sessions;',
      "INSERT INTO app.plans (name) VALUES ('free'), ('pro');",
      'INSERT INTO app.archive SELECT * FROM app.sessions;',
      'TRUNCATE app.audit_log, app.events;',
    ].join('\n'),
  });
  const entry = changelogEntry(pm, DATE);
  expect(entry.version).toBe('7');
  expect(entry.changes).toEqual([
    { type: 'data', table: 'app.accounts', description: 'update app.accounts set plan, tier where id IN (SELECT account_id FROM app.subscriptions)', rollback: IRREVERSIBLE },
    { type: 'data', table: 'app.sessions', description: 'delete from app.sessions (every row)', rollback: IRREVERSIBLE },
    { type: 'data', table: 'app.plans', description: 'insert 2 rows into app.plans', rollback: IRREVERSIBLE },
    { type: 'data', table: 'app.archive', description: 'insert into app.archive from a query', rollback: IRREVERSIBLE },
    { type: 'data', table: 'app.audit_log', description: 'truncate app.audit_log, app.events', rollback: IRREVERSIBLE },
  ]);
});

test('schema changes: several subcommands, renames, drops, functions; generated inverses or a restore', async () => {
  const [pm] = await migrations({
    '8_accounts.up.sql': [
      'CREATE TABLE app.accounts (id bigint PRIMARY KEY, email text NOT NULL, legacy text);',
      "ALTER TABLE app.accounts ADD COLUMN \"Plan\" varchar(20) /* tier */ DEFAULT 'free', ALTER COLUMN email SET NOT NULL;",
      'CREATE UNIQUE INDEX accounts_email_idx ON app.accounts (lower(email)) WHERE legacy IS NULL;',
      'ALTER TABLE orders RENAME COLUMN note TO remark;',
      'ALTER TABLE orders DROP COLUMN legacy;',
      'DROP TABLE app.old_accounts;',
      'CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;',
    ].join('\n'),
  });
  const changes = changelogEntry(pm, DATE).changes;
  expect(changes.map((c) => [c.type, c.table, c.description])).toEqual([
    ['schema', 'app.accounts', 'create table app.accounts (3 columns)'],
    ['schema', 'app.accounts', `add column "Plan" varchar(20) DEFAULT 'free' to app.accounts; set column email of app.accounts NOT NULL`],
    ['schema', 'app.accounts', 'create unique index accounts_email_idx on app.accounts (lower(email)) where legacy IS NULL'],
    ['schema', 'public.orders', 'rename column note to remark on public.orders'],
    ['schema', 'public.orders', 'drop column legacy from public.orders'],
    ['schema', 'app.old_accounts', 'drop table app.old_accounts'],
    ['schema', null, 'create function app.touch'],
  ]);
  expect(changes[0].rollback).toBe('DROP TABLE app.accounts');
  // Changes to a table the migration itself creates are undone by dropping it.
  expect(changes[1].rollback).toMatch(/^nothing to undo: /);
  expect(changes[3].rollback).toBe('ALTER TABLE orders RENAME COLUMN remark TO note');
  expect(changes[4].rollback).toBe(IRREVERSIBLE);
  expect(changes[5].rollback).toBe(IRREVERSIBLE);
  expect(changes[6].rollback).toMatch(/^DROP FUNCTION app\.touch\(\)/);
  expect(changes.filter((c) => rollbackIsSql(c.rollback)).length).toBe(3);
});

test('descriptions quote the SQL by tokens: multi-byte text and comments inside a clause stay right', async () => {
  expect(await describe1("/* café */ ALTER TABLE t ADD COLUMN \"naïve\" text -- why\n  DEFAULT 'crème', ADD COLUMN b int")).toEqual({
    type: 'schema',
    table: 'public.t',
    description: `add column "naïve" text DEFAULT 'crème' to public.t; add column b int to public.t`,
  });
  expect(await describe1('ALTER TABLE s.t ALTER COLUMN id TYPE bigint USING id::bigint')).toMatchObject({ description: 'change column id of s.t to type bigint USING id::bigint' });
  expect(await describe1('ALTER TABLE t ADD CONSTRAINT t_fk FOREIGN KEY (a) REFERENCES u (id) NOT VALID')).toMatchObject({
    description: 'add constraint t_fk FOREIGN KEY (a) REFERENCES u (id) NOT VALID to public.t',
  });
  expect(await describe1('ALTER TABLE t VALIDATE CONSTRAINT t_fk')).toMatchObject({ description: 'validate constraint t_fk on public.t' });
  expect(await describe1('CREATE EXTENSION IF NOT EXISTS pgcrypto')).toEqual({ type: 'schema', table: null, description: 'create extension if not exists pgcrypto' });
  expect(await describe1('BEGIN')).toBeNull();
  expect(await describe1('SET statement_timeout = 0')).toBeNull();
});
