/**
 * The lock catalog, written from the PostgreSQL documentation, confirmed on real servers: each case
 * runs inside a transaction on every test server (embedded PG 18, machine PG 15), reads the
 * backend's relation locks from pg_locks and relfilenode before/after, then rolls back.
 *
 * Assertions per case: for every relation the catalog predicts, the strongest observed mode equals
 * the predicted one; any pre-existing relation the catalog does not name was only read
 * (AccessShareLock, e.g. a view's base table); a table's relfilenode changes exactly when the
 * catalog predicts a table rewrite. Objects the statement creates are ignored.
 */
import type { Client } from 'pg';
import { predictLocks } from '../../src/analyse/catalog';
import { SchemaState } from '../../src/analyse/schema';
import { parseSql } from '../../src/parse/parser';
import { LOCK_MODES, LockMode } from '../../src/report/types';
import { connect } from '../../src/util/pg';
import { createTestDatabase, dropTestDatabases, testServerVersions } from '../support/pg';
import { loadParser } from './helpers';

const FIXTURE = `
CREATE TABLE p (id bigint PRIMARY KEY, name text);
CREATE TABLE t (id bigint PRIMARY KEY, a int, b varchar(20), c text, d numeric(10,2), e int, n int, req int NOT NULL DEFAULT 0);
CREATE INDEX t_a_idx ON t (a);
CREATE UNIQUE INDEX t_c_uidx ON t (c);
ALTER TABLE t ADD CONSTRAINT t_chk CHECK (a > 0) NOT VALID;
ALTER TABLE t ADD CONSTRAINT t_n_nn CHECK (n IS NOT NULL);
CREATE TABLE q (id bigint PRIMARY KEY, p_id bigint);
CREATE TABLE q2 (id bigint PRIMARY KEY, p_id bigint);
ALTER TABLE q2 ADD CONSTRAINT q2_fk FOREIGN KEY (p_id) REFERENCES p (id) NOT VALID;
CREATE TABLE q3 (id bigint NOT NULL);
CREATE TABLE child (id bigint PRIMARY KEY, p_id bigint REFERENCES p (id));
CREATE TABLE solo (id bigint PRIMARY KEY, v int);
CREATE MATERIALIZED VIEW mv AS SELECT id FROM t;
CREATE VIEW v AS SELECT id FROM t;
CREATE TABLE parted (id int, k int) PARTITION BY LIST (k);
CREATE TABLE parted_1 PARTITION OF parted FOR VALUES IN (1);
CREATE TABLE loose (id int, k int);
CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER t_trg BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION trg();
CREATE TYPE mood AS ENUM ('a', 'b');
INSERT INTO p SELECT g, 'p' || g FROM generate_series(1, 50) g;
INSERT INTO t SELECT g, g, 'b' || g, 'c' || g, g, g, g, 0 FROM generate_series(1, 50) g;
INSERT INTO q SELECT g, g FROM generate_series(1, 50) g;
INSERT INTO q2 SELECT g, g FROM generate_series(1, 50) g;
INSERT INTO q3 SELECT g FROM generate_series(1, 50) g;
INSERT INTO child SELECT g, g FROM generate_series(1, 50) g;
INSERT INTO solo SELECT g, g FROM generate_series(1, 50) g;
INSERT INTO loose SELECT g, 3 FROM generate_series(1, 10) g;
`;

interface Case {
  sql: string;
  /** Only on servers at or above this major (the statement does not exist before). */
  since?: number;
}

const CASES: Case[] = [
  // A. ADD COLUMN
  { sql: 'ALTER TABLE t ADD COLUMN x int' },
  { sql: 'ALTER TABLE t ADD COLUMN x int DEFAULT 42' },
  { sql: 'ALTER TABLE t ADD COLUMN x int NOT NULL DEFAULT 42' },
  { sql: 'ALTER TABLE t ADD COLUMN x timestamptz DEFAULT now()' },
  { sql: 'ALTER TABLE t ADD COLUMN x float8 DEFAULT random()' },
  { sql: 'ALTER TABLE t ADD COLUMN x bigserial' },
  { sql: 'ALTER TABLE t ADD COLUMN x bigint GENERATED ALWAYS AS IDENTITY' },
  { sql: 'ALTER TABLE t ADD COLUMN x int GENERATED ALWAYS AS (a * 2) STORED' },
  { sql: 'ALTER TABLE t ADD COLUMN x int GENERATED ALWAYS AS (a * 2) VIRTUAL', since: 18 },
  { sql: 'ALTER TABLE t ADD COLUMN x bigint REFERENCES p (id)' },
  { sql: 'ALTER TABLE t ADD COLUMN x jsonb' },
  // B. ALTER COLUMN
  { sql: 'ALTER TABLE t ALTER COLUMN a TYPE bigint' },
  { sql: 'ALTER TABLE t ALTER COLUMN b TYPE varchar(50)' },
  { sql: 'ALTER TABLE t ALTER COLUMN b TYPE text' },
  { sql: 'ALTER TABLE t ALTER COLUMN b TYPE varchar(10)' },
  { sql: 'ALTER TABLE t ALTER COLUMN d TYPE numeric(12,2)' },
  { sql: 'ALTER TABLE t ALTER COLUMN e TYPE text USING e::text' },
  { sql: "ALTER TABLE t ALTER COLUMN c SET DEFAULT 'x'" },
  { sql: 'ALTER TABLE t ALTER COLUMN c DROP DEFAULT' },
  { sql: 'ALTER TABLE t ALTER COLUMN req DROP NOT NULL' },
  { sql: 'ALTER TABLE t ALTER COLUMN a SET NOT NULL' },
  { sql: 'ALTER TABLE t ALTER COLUMN n SET NOT NULL' },
  { sql: 'ALTER TABLE t ALTER COLUMN a SET STATISTICS 100' },
  { sql: 'ALTER TABLE t ALTER COLUMN c SET STORAGE EXTERNAL' },
  { sql: 'ALTER TABLE t DROP COLUMN e' },
  { sql: 'ALTER TABLE t RENAME COLUMN c TO c2' },
  // C. Constraints
  { sql: 'ALTER TABLE t ADD CONSTRAINT t_pos CHECK (a > 0)' },
  { sql: 'ALTER TABLE t ADD CONSTRAINT t_pos CHECK (a > 0) NOT VALID' },
  { sql: 'ALTER TABLE t VALIDATE CONSTRAINT t_chk' },
  { sql: 'ALTER TABLE q ADD CONSTRAINT q_fk FOREIGN KEY (p_id) REFERENCES p (id)' },
  { sql: 'ALTER TABLE q ADD CONSTRAINT q_fk FOREIGN KEY (p_id) REFERENCES p (id) NOT VALID' },
  { sql: 'ALTER TABLE q2 VALIDATE CONSTRAINT q2_fk' },
  { sql: 'ALTER TABLE q2 DROP CONSTRAINT q2_fk' },
  { sql: 'ALTER TABLE t DROP CONSTRAINT t_chk' },
  { sql: 'ALTER TABLE t ADD CONSTRAINT t_a_key UNIQUE (a)' },
  { sql: 'ALTER TABLE q3 ADD PRIMARY KEY (id)' },
  { sql: 'ALTER TABLE t ADD CONSTRAINT t_c_key UNIQUE USING INDEX t_c_uidx' },
  { sql: 'ALTER TABLE t ADD CONSTRAINT t_e_nn NOT NULL e NOT VALID', since: 18 },
  // D. Indexes
  { sql: 'CREATE INDEX t_c_idx ON t (c)' },
  { sql: 'CREATE UNIQUE INDEX t_id_c_idx ON t (id, c)' },
  { sql: 'DROP INDEX t_a_idx' },
  { sql: 'REINDEX INDEX t_a_idx' },
  { sql: 'REINDEX TABLE t' },
  { sql: 'ALTER INDEX t_a_idx RENAME TO t_a_idx2' },
  // E. Tables, partitions, other objects
  { sql: 'ALTER TABLE t RENAME TO t_renamed' },
  { sql: 'ALTER TABLE t SET (fillfactor = 70)' },
  { sql: 'ALTER TABLE t SET (autovacuum_enabled = false)' },
  { sql: 'ALTER TABLE t CLUSTER ON t_a_idx' },
  { sql: 'ALTER TABLE t DISABLE TRIGGER t_trg' },
  { sql: 'ALTER TABLE t ENABLE ROW LEVEL SECURITY' },
  { sql: 'ALTER TABLE t REPLICA IDENTITY FULL' },
  { sql: 'ALTER TABLE solo SET UNLOGGED' },
  { sql: 'CLUSTER solo USING solo_pkey' },
  { sql: 'TRUNCATE solo' },
  { sql: 'DROP TABLE child' },
  { sql: 'DROP TABLE solo' },
  { sql: 'LOCK TABLE t IN SHARE MODE' },
  { sql: 'LOCK TABLE t' },
  { sql: 'CREATE TRIGGER t_trg2 BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION trg()' },
  { sql: 'DROP TRIGGER t_trg ON t' },
  { sql: 'CREATE POLICY t_pol ON t USING (true)' },
  { sql: "COMMENT ON TABLE t IS 'x'" },
  { sql: "COMMENT ON COLUMN t.a IS 'x'" },
  { sql: 'CREATE STATISTICS t_stats ON a, c FROM t' },
  { sql: 'ANALYZE t' },
  { sql: 'REFRESH MATERIALIZED VIEW mv' },
  { sql: 'CREATE OR REPLACE VIEW v AS SELECT id FROM t' },
  { sql: 'CREATE TABLE fresh (id bigint REFERENCES p (id))' },
  { sql: 'CREATE TABLE parted_2 PARTITION OF parted FOR VALUES IN (2)' },
  { sql: 'ALTER TABLE parted ATTACH PARTITION loose FOR VALUES IN (3)' },
  { sql: 'ALTER TABLE parted DETACH PARTITION parted_1' },
  { sql: "ALTER TYPE mood ADD VALUE 'c'" },
  // DML
  { sql: 'UPDATE t SET e = a' },
  { sql: 'INSERT INTO child (id, p_id) VALUES (100, 1)' },
  { sql: 'DELETE FROM solo WHERE id = 1' },
  { sql: 'SELECT * FROM t' },
];

interface Observed {
  modes: Map<string, { mode: LockMode; relkind: string }>;
  rewritten: Set<string>;
}

const rank = (m: LockMode) => LOCK_MODES.indexOf(m);

async function observe(client: Client, sql: string): Promise<Observed> {
  await client.query('BEGIN');
  try {
    const before = await client.query<{ oid: number; name: string; relkind: string; relfilenode: number }>(
      "SELECT c.oid::int, 'public.' || c.relname AS name, c.relkind, c.relfilenode::int FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'",
    );
    const byOid = new Map(before.rows.map((r) => [r.oid, r]));
    await client.query(sql);
    const locks = await client.query<{ oid: number; mode: LockMode }>(
      "SELECT relation::int AS oid, mode FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'relation' AND granted",
    );
    const after = await client.query<{ oid: number; relfilenode: number }>('SELECT oid::int, relfilenode::int FROM pg_class WHERE oid = ANY($1)', [[...byOid.keys()]]);
    const modes = new Map<string, { mode: LockMode; relkind: string }>();
    for (const l of locks.rows) {
      const rel = byOid.get(l.oid);
      if (!rel) continue; // created by the statement, or a catalog
      const prev = modes.get(rel.name);
      if (!prev || rank(l.mode) > rank(prev.mode)) modes.set(rel.name, { mode: l.mode, relkind: rel.relkind });
    }
    const rewritten = new Set<string>();
    for (const a of after.rows) {
      const b = byOid.get(a.oid)!;
      if ((b.relkind === 'r' || b.relkind === 'm') && b.relfilenode !== a.relfilenode) rewritten.add(b.name);
    }
    return { modes, rewritten };
  } finally {
    await client.query('ROLLBACK');
  }
}

function fixtureSchema(): SchemaState {
  const schema = new SchemaState();
  for (const s of parseSql(FIXTURE, 'fixture.sql').statements) schema.apply(s.ast, false);
  return schema;
}

describe.each(testServerVersions())('lock catalog on PostgreSQL %s', (major) => {
  let client: Client;
  const pgVersion = Number(major);

  beforeAll(async () => {
    await loadParser();
    client = await connect(await createTestDatabase(major));
    await client.query(FIXTURE);
  });
  afterAll(async () => {
    await client?.end();
    await dropTestDatabases();
  });

  const applicable = CASES.filter((c) => !c.since || c.since <= pgVersion);

  it('covers at least 40 statement kinds', () => {
    expect(applicable.length).toBeGreaterThanOrEqual(40);
  });

  it.each(applicable.map((c) => [c.sql, c] as const))('%s', async (_sql, c) => {
    const [statement] = parseSql(c.sql, 'case.sql').statements;
    const prediction = predictLocks(statement.ast, { pgVersion, schema: fixtureSchema() });
    const observed = await observe(client, c.sql);

    const predicted = Object.fromEntries(prediction.locks.map((l) => [l.relation, l.mode]));
    const seen = Object.fromEntries(prediction.locks.map((l) => [l.relation, observed.modes.get(l.relation)?.mode ?? 'none']));
    expect(seen).toEqual(predicted);

    const unpredicted = [...observed.modes].filter(([rel, o]) => !(rel in predicted) && o.relkind !== 'i' && o.mode !== 'AccessShareLock');
    expect(unpredicted).toEqual([]);

    const predictedRewrites = prediction.rewrites.filter((r) => r.kind === 'table').map((r) => r.relation).sort();
    expect([...observed.rewritten].sort()).toEqual(predictedRewrites);
  });
});
