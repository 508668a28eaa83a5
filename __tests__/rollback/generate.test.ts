/**
 * Generated inverses, each proven by a real round trip on PostgreSQL: snapshot, run up, run the
 * generated rollback, snapshot again — the two catalogs must be equal.
 */
import type { Client } from 'pg';
import { generateRollback } from '../../src/rollback/generate';
import { diffCatalogs } from '../../src/schema';
import { connect } from '../../src/util/pg';
import { createTestDatabase, dropTestDatabases } from '../support/pg';
import { parse, runSql, runStatements, snapshot } from './helpers';

interface Case {
  name: string;
  setup?: string;
  up: string;
  /** A fragment the generated rollback must contain. */
  expect: RegExp;
}

const CASES: Case[] = [
  { name: 'CREATE TABLE', up: 'CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL)', expect: /DROP TABLE accounts/ },
  {
    name: 'CREATE TABLE IF NOT EXISTS of an existing table',
    setup: 'CREATE TABLE t (id int)',
    up: 'CREATE TABLE IF NOT EXISTS t (id int); CREATE TABLE IF NOT EXISTS u (id int)',
    expect: /^(?![\s\S]*DROP TABLE t\b)[\s\S]*DROP TABLE u/,
  },
  { name: 'ADD COLUMN', setup: 'CREATE TABLE t (id int)', up: "ALTER TABLE t ADD COLUMN plan text NOT NULL DEFAULT 'free'", expect: /DROP COLUMN plan/ },
  {
    name: 'ADD COLUMN IF NOT EXISTS',
    setup: 'CREATE TABLE t (id int, a int)',
    up: 'ALTER TABLE t ADD COLUMN IF NOT EXISTS a int, ADD COLUMN IF NOT EXISTS b int',
    expect: /^(?![\s\S]*DROP COLUMN a)[\s\S]*DROP COLUMN b/,
  },
  { name: 'CREATE INDEX', setup: 'CREATE TABLE t (a int)', up: 'CREATE INDEX t_a_idx ON t (a)', expect: /DROP INDEX t_a_idx/ },
  {
    name: 'CREATE UNIQUE INDEX CONCURRENTLY',
    setup: 'CREATE SCHEMA app; CREATE TABLE app.t (a int)',
    up: 'CREATE UNIQUE INDEX CONCURRENTLY t_a_key ON app.t (a)',
    expect: /DROP INDEX CONCURRENTLY app\.t_a_key/,
  },
  { name: 'CREATE VIEW', setup: 'CREATE TABLE t (a int)', up: 'CREATE VIEW v AS SELECT a FROM t', expect: /DROP VIEW v/ },
  {
    name: 'CREATE OR REPLACE VIEW of an existing view',
    setup: 'CREATE TABLE t (a int, b int); CREATE VIEW v AS SELECT a FROM t WHERE a > 0',
    up: 'CREATE OR REPLACE VIEW v AS SELECT a FROM t WHERE a > 10',
    expect: /CREATE OR REPLACE VIEW v AS/,
  },
  {
    name: 'CREATE MATERIALIZED VIEW',
    setup: 'CREATE TABLE t (a int)',
    up: 'CREATE MATERIALIZED VIEW mv AS SELECT a FROM t',
    expect: /DROP MATERIALIZED VIEW mv/,
  },
  {
    name: 'CREATE FUNCTION',
    up: "CREATE FUNCTION add_tax(amount numeric(10,2), tags varchar[], OUT total numeric) LANGUAGE sql AS 'SELECT amount * 1.2'",
    expect: /DROP FUNCTION add_tax\(pg_catalog\."numeric", pg_catalog\."varchar"\[\]\)/,
  },
  {
    name: 'CREATE OR REPLACE FUNCTION of an existing function',
    setup: "CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql AS 'SELECT x + 1'",
    up: "CREATE OR REPLACE FUNCTION f(x int) RETURNS int LANGUAGE sql AS 'SELECT x + 2'",
    expect: /CREATE OR REPLACE FUNCTION public\.f/,
  },
  { name: 'CREATE PROCEDURE', up: "CREATE PROCEDURE p(n int) LANGUAGE sql AS 'SELECT 1'", expect: /DROP PROCEDURE p\(pg_catalog\.int4\)/ },
  {
    name: 'CREATE TRIGGER',
    setup: "CREATE TABLE t (a int); CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'",
    up: 'CREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION trg()',
    expect: /DROP TRIGGER t_touch ON t/,
  },
  {
    // marquez's R__Jobs_view_and_rewrite_function: the view's own drop comes last, after the function's.
    name: 'CREATE VIEW, its trigger function and an INSTEAD OF trigger in one migration',
    setup: 'CREATE TABLE jobs (id int)',
    up:
      'CREATE VIEW jobs_view AS SELECT id FROM jobs; ' +
      "CREATE FUNCTION rewrite_jobs() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'; " +
      'CREATE TRIGGER update_symlinks INSTEAD OF UPDATE ON jobs_view FOR EACH ROW EXECUTE FUNCTION rewrite_jobs()',
    expect: /DROP TRIGGER update_symlinks ON jobs_view[\s\S]*DROP FUNCTION rewrite_jobs\(\)[\s\S]*DROP VIEW jobs_view/,
  },
  {
    name: 'CREATE TABLE, then a function and an expression index using it',
    up: "CREATE TABLE t (a text); CREATE FUNCTION norm(x text) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT lower(x)'; CREATE INDEX t_norm ON t (norm(a))",
    expect: /DROP INDEX t_norm[\s\S]*DROP FUNCTION norm\(text\)[\s\S]*DROP TABLE t/,
  },
  {
    name: 'ADD CONSTRAINT CHECK NOT VALID',
    setup: 'CREATE TABLE t (a int)',
    up: 'ALTER TABLE t ADD CONSTRAINT a_positive CHECK (a > 0) NOT VALID',
    expect: /DROP CONSTRAINT a_positive/,
  },
  {
    name: 'ADD CONSTRAINT FOREIGN KEY',
    setup: 'CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (p_id int)',
    up: 'ALTER TABLE c ADD CONSTRAINT c_p_fk FOREIGN KEY (p_id) REFERENCES p (id)',
    expect: /DROP CONSTRAINT c_p_fk/,
  },
  {
    name: 'ADD PRIMARY KEY on a nullable column',
    setup: 'CREATE TABLE t (id int)',
    up: 'ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY (id)',
    expect: /DROP CONSTRAINT t_pkey;\nALTER TABLE t ALTER COLUMN id DROP NOT NULL/,
  },
  {
    name: 'ADD CONSTRAINT UNIQUE USING INDEX',
    setup: 'CREATE TABLE t (a int); CREATE UNIQUE INDEX t_a_uniq ON t (a)',
    up: 'ALTER TABLE t ADD CONSTRAINT t_a_key UNIQUE USING INDEX t_a_uniq',
    expect: /DROP CONSTRAINT t_a_key;\nCREATE UNIQUE INDEX t_a_uniq/,
  },
  {
    name: 'VALIDATE CONSTRAINT',
    setup: 'CREATE TABLE t (a int); ALTER TABLE t ADD CONSTRAINT a_positive CHECK (a > 0) NOT VALID',
    up: 'ALTER TABLE t VALIDATE CONSTRAINT a_positive',
    expect: /ADD CONSTRAINT a_positive CHECK \(\(a > 0\)\) NOT VALID/,
  },
  {
    name: 'DROP CONSTRAINT',
    setup: 'CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (p_id int CONSTRAINT c_p_fk REFERENCES p ON DELETE CASCADE)',
    up: 'ALTER TABLE c DROP CONSTRAINT c_p_fk',
    expect: /ADD CONSTRAINT c_p_fk FOREIGN KEY \(p_id\) REFERENCES p\(id\) ON DELETE CASCADE/,
  },
  {
    name: 'SET DEFAULT over a previous default',
    setup: "CREATE TABLE t (status text DEFAULT 'new'::text)",
    up: "ALTER TABLE t ALTER COLUMN status SET DEFAULT 'pending'",
    expect: /SET DEFAULT 'new'::text/,
  },
  { name: 'DROP DEFAULT', setup: 'CREATE TABLE t (created timestamptz DEFAULT now())', up: 'ALTER TABLE t ALTER COLUMN created DROP DEFAULT', expect: /SET DEFAULT now\(\)/ },
  { name: 'SET NOT NULL', setup: 'CREATE TABLE t (a int)', up: 'ALTER TABLE t ALTER COLUMN a SET NOT NULL', expect: /DROP NOT NULL/ },
  { name: 'DROP NOT NULL', setup: 'CREATE TABLE t (a int NOT NULL)', up: 'ALTER TABLE t ALTER COLUMN a DROP NOT NULL', expect: /SET NOT NULL/ },
  {
    name: 'ALTER COLUMN TYPE widening',
    setup: 'CREATE TABLE t (code varchar(20), n int)',
    up: 'ALTER TABLE t ALTER COLUMN code TYPE varchar(50), ALTER COLUMN n TYPE bigint',
    expect: /TYPE character varying\(20\)/,
  },
  { name: 'RENAME TABLE', setup: 'CREATE TABLE old_name (a int)', up: 'ALTER TABLE old_name RENAME TO new_name', expect: /ALTER TABLE new_name RENAME TO old_name/ },
  { name: 'RENAME COLUMN', setup: 'CREATE TABLE t (a int)', up: 'ALTER TABLE t RENAME COLUMN a TO b', expect: /RENAME COLUMN b TO a/ },
  { name: 'RENAME INDEX', setup: 'CREATE TABLE t (a int); CREATE INDEX i1 ON t (a)', up: 'ALTER INDEX i1 RENAME TO i2', expect: /ALTER INDEX i2 RENAME TO i1/ },
  {
    name: 'RENAME CONSTRAINT',
    setup: 'CREATE TABLE t (a int CONSTRAINT c1 CHECK (a > 0))',
    up: 'ALTER TABLE t RENAME CONSTRAINT c1 TO c2',
    expect: /RENAME CONSTRAINT c2 TO c1/,
  },
  { name: 'CREATE SEQUENCE', up: 'CREATE SEQUENCE invoice_no START 1000', expect: /DROP SEQUENCE invoice_no/ },
  { name: 'CREATE SCHEMA', up: 'CREATE SCHEMA billing', expect: /DROP SCHEMA billing/ },
  { name: 'CREATE TYPE AS ENUM', up: "CREATE TYPE mood AS ENUM ('sad', 'ok')", expect: /DROP TYPE mood/ },
  { name: 'CREATE TYPE composite', up: 'CREATE TYPE money_pair AS (amount numeric, currency text)', expect: /DROP TYPE money_pair/ },
  { name: 'CREATE DOMAIN', up: 'CREATE DOMAIN email AS text CHECK (VALUE LIKE \'%@%\')', expect: /DROP DOMAIN email/ },
  { name: 'CREATE EXTENSION', up: 'CREATE EXTENSION IF NOT EXISTS pg_trgm', expect: /DROP EXTENSION pg_trgm/ },
  { name: 'ALTER TYPE RENAME VALUE', setup: "CREATE TYPE mood AS ENUM ('sad', 'ok')", up: "ALTER TYPE mood RENAME VALUE 'ok' TO 'fine'", expect: /RENAME VALUE 'fine' TO 'ok'/ },
  {
    name: 'DROP INDEX CONCURRENTLY',
    setup: 'CREATE TABLE t (a int, b text); CREATE INDEX t_ab_idx ON t (a, lower(b)) WHERE a > 0',
    up: 'DROP INDEX CONCURRENTLY t_ab_idx',
    expect: /CREATE INDEX CONCURRENTLY t_ab_idx ON public\.t/,
  },
  { name: 'DROP VIEW', setup: 'CREATE TABLE t (a int); CREATE VIEW v AS SELECT a * 2 AS d FROM t', up: 'DROP VIEW v', expect: /CREATE VIEW v AS/ },
  {
    name: 'DROP FUNCTION',
    setup: "CREATE FUNCTION f(x int, y text DEFAULT 'a') RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT y || x'",
    up: 'DROP FUNCTION f(int, text)',
    expect: /CREATE OR REPLACE FUNCTION public\.f/,
  },
  {
    name: 'DROP TRIGGER',
    setup:
      "CREATE TABLE t (a int); CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'; CREATE TRIGGER t_touch BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION trg()",
    up: 'DROP TRIGGER t_touch ON t',
    expect: /CREATE TRIGGER t_touch BEFORE INSERT ON public\.t/,
  },
  { name: 'DROP TYPE enum', setup: "CREATE TYPE mood AS ENUM ('sad', 'ok')", up: 'DROP TYPE mood', expect: /CREATE TYPE mood AS ENUM \('sad', 'ok'\)/ },
  {
    name: 'ATTACH PARTITION',
    setup: 'CREATE TABLE m (at date) PARTITION BY RANGE (at); CREATE TABLE m_2026 (at date)',
    up: "ALTER TABLE m ATTACH PARTITION m_2026 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
    expect: /DETACH PARTITION m_2026/,
  },
  { name: 'ADD GENERATED AS IDENTITY', setup: 'CREATE TABLE t (id int NOT NULL)', up: 'ALTER TABLE t ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY', expect: /DROP IDENTITY/ },
  { name: 'SET SCHEMA', setup: 'CREATE SCHEMA archive; CREATE TABLE public.t (a int)', up: 'ALTER TABLE public.t SET SCHEMA archive', expect: /ALTER TABLE archive\.t SET SCHEMA public/ },
  {
    name: 'quoted and reserved identifiers',
    setup: 'CREATE TABLE "Order Items" ("user" int)',
    up: 'ALTER TABLE "Order Items" ADD COLUMN "Select" int; CREATE INDEX "Idx ""1""" ON "Order Items" ("user")',
    expect: /DROP INDEX "Idx ""1""";[\s\S]*ALTER TABLE "Order Items" DROP COLUMN "Select"/,
  },
  {
    name: 'a whole migration: table, data, index, column and its backfill',
    setup: 'CREATE TABLE users (id int PRIMARY KEY, name text); INSERT INTO users VALUES (1, \'a\'), (2, \'b\')',
    up: `CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, user_id int REFERENCES users);
         INSERT INTO orders (user_id) VALUES (1), (2);
         CREATE INDEX orders_user_idx ON orders (user_id);
         ALTER TABLE users ADD COLUMN order_count int;
         UPDATE users SET order_count = 0;
         ALTER TABLE users ALTER COLUMN order_count SET NOT NULL;
         COMMENT ON COLUMN users.order_count IS 'cached';
         SET lock_timeout = '2s'`,
    expect: /ALTER TABLE users DROP COLUMN order_count;\n[\s\S]*DROP TABLE orders;$/,
  },
];

describe('generated rollbacks, proven by a round trip on PostgreSQL', () => {
  let client: Client;
  afterEach(async () => {
    await client?.end();
  });
  afterAll(dropTestDatabases);

  test('covers at least 20 statement kinds', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(20);
  });

  test.each(CASES)('$name', async ({ setup, up, expect: expected }) => {
    client = await connect(await createTestDatabase());
    if (setup) await runSql(client, setup);
    const statements = await parse(up);
    const before = await snapshot(client);
    await runStatements(client, statements);

    const rollback = generateRollback(statements, before);
    expect(rollback.steps.filter((s) => s.irreversible)).toEqual([]);
    expect(rollback.reversible).toBe(true);
    expect(rollback.sql).toMatch(expected);

    await runSql(client, rollback.sql!);
    expect(diffCatalogs(before, await snapshot(client))).toEqual([]);
  });
});
