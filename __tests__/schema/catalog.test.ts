/** Catalog snapshot and diff on the test servers: every object kind the round trip compares. */
import { Client } from 'pg';
import { diffCatalogs, snapshotCatalog } from '../../src/schema';
import { connect } from '../../src/util/pg';
import { createTestDatabase, dropTestDatabases, testServerVersions } from '../support/pg';

afterAll(dropTestDatabases);

const SCHEMA = `
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE SCHEMA drydock; CREATE TABLE drydock.internal (id int);
CREATE SCHEMA app;
CREATE TYPE app.mood AS ENUM ('sad', 'ok');
CREATE DOMAIN app.email AS text CHECK (VALUE LIKE '%@%');
CREATE TABLE app.users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email app.email NOT NULL,
  name varchar(100) DEFAULT 'anon',
  mood app.mood,
  score int CHECK (score >= 0),
  doubled int GENERATED ALWAYS AS (score * 2) STORED
);
CREATE TABLE app.posts (id serial PRIMARY KEY, user_id bigint REFERENCES app.users (id), body text);
CREATE INDEX posts_body_trgm ON app.posts USING gin (body gin_trgm_ops);
CREATE SEQUENCE app.counter START 10 INCREMENT 5;
CREATE VIEW app.active AS SELECT id, email FROM app.users WHERE score > 0;
CREATE MATERIALIZED VIEW app.totals AS SELECT user_id, count(*) AS n FROM app.posts GROUP BY user_id;
CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER posts_touch BEFORE UPDATE ON app.posts FOR EACH ROW EXECUTE FUNCTION app.touch();
`;

const CHANGES = `
ALTER TABLE app.users ALTER COLUMN name TYPE text, ALTER COLUMN name DROP DEFAULT, ALTER COLUMN name SET NOT NULL;
ALTER TABLE app.users DROP CONSTRAINT users_score_check;
ALTER TABLE app.posts ADD COLUMN created_at timestamptz DEFAULT now();
ALTER TYPE app.mood ADD VALUE 'happy';
DROP INDEX app.posts_body_trgm;
CREATE INDEX posts_user ON app.posts (user_id);
ALTER SEQUENCE app.counter INCREMENT 1;
CREATE OR REPLACE VIEW app.active AS SELECT id, email FROM app.users WHERE score > 10;
CREATE OR REPLACE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$;
DROP TRIGGER posts_touch ON app.posts;
DROP EXTENSION pg_trgm;
CREATE TABLE drydock.other (id int);
`;

describe.each(testServerVersions())('PostgreSQL %s', (major) => {
  let client: Client;
  beforeAll(async () => {
    client = await connect(await createTestDatabase(major));
    await client.query(SCHEMA);
  });
  afterAll(() => client.end());

  test('the snapshot covers user objects and leaves out system schemas and drydock', async () => {
    const snapshot = await snapshotCatalog(client);
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
    expect(snapshot.schemas).toEqual(['app', 'public']);
    expect(snapshot.extensions).toHaveProperty('pg_trgm');
    expect(Object.keys(snapshot.tables).sort()).toEqual(['app.posts', 'app.users']);
    const users = snapshot.tables['app.users'];
    expect(users.columns.id).toMatchObject({ type: 'bigint', notNull: true, identity: 'always' });
    expect(users.columns.email).toMatchObject({ type: 'app.email', notNull: true });
    expect(users.columns.name).toMatchObject({ type: 'character varying(100)', default: "'anon'::character varying", notNull: false });
    expect(users.columns.doubled.generated).toBe('(score * 2)');
    expect(users.constraints.users_score_check).toBe('CHECK ((score >= 0))');
    expect(snapshot.tables['app.posts'].constraints.posts_user_id_fkey).toBe('FOREIGN KEY (user_id) REFERENCES app.users(id)');
    expect(snapshot.tables['app.posts'].triggers).toHaveProperty('posts_touch');
    expect(snapshot.indexes['app.posts_body_trgm']).toContain('USING gin (body gin_trgm_ops)');
    expect(snapshot.sequences['app.counter']).toBe('bigint start 10 increment 5 min 1 max 9223372036854775807');
    expect(snapshot.sequences['app.posts_id_seq']).toContain('owned by app.posts.id');
    expect(snapshot.views['app.active']).toMatch(/^view: /);
    expect(snapshot.views['app.totals']).toMatch(/^materialized view: /);
    expect(snapshot.functions['app.touch()']).toContain('RETURN NEW');
    expect(snapshot.types['app.mood']).toBe("enum ('sad', 'ok')");
    expect(snapshot.types['app.email']).toContain('domain over text');
    // Extension members belong to the extension entry, not to the schema.
    expect(Object.keys(snapshot.functions).some((f) => f.includes('similarity'))).toBe(false);
  });

  test('the diff names each change in one line', async () => {
    const before = await snapshotCatalog(client);
    await client.query('BEGIN');
    try {
      await client.query(CHANGES);
      const after = await snapshotCatalog(client);
      expect(diffCatalogs(before, after)).toEqual([
        'extension pg_trgm: removed',
        'column app.posts.created_at: added',
        'trigger app.posts.posts_touch: removed',
        'column app.users.name: type character varying(100) → text',
        'column app.users.name: not null false → true',
        "column app.users.name: default 'anon'::character varying → (none)",
        'constraint app.users.users_score_check: removed',
        'index app.posts_body_trgm: removed',
        'index app.posts_user: added',
        'sequence app.counter: bigint start 10 increment 5 min 1 max 9223372036854775807 → bigint start 10 increment 1 min 1 max 9223372036854775807',
        // PostgreSQL 15 qualifies the columns (users.id), 18 does not.
        expect.stringMatching(/^view app\.active: view: SELECT (users\.)?id, (users\.)?email FROM app\.users WHERE \(\(?(users\.)?score > 0\)?\); → view: .* > 10\)?\);$/),
        'function app.touch(): definition changed',
        "type app.mood: enum ('sad', 'ok') → enum ('sad', 'ok', 'happy')",
      ]);
      expect(diffCatalogs(after, after)).toEqual([]);
    } finally {
      await client.query('ROLLBACK');
    }
  });
});
