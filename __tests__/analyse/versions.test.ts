/** Behaviour that changes with the PostgreSQL major version (10, 11, 12, 14, 17, 18). */
import { predictLocks } from '../../src/analyse/catalog';
import { SchemaState } from '../../src/analyse/schema';
import { parseSql } from '../../src/parse/parser';
import { findings, loadParser, rulesHit, run } from './helpers';

const HISTORY = ['CREATE TABLE users (id bigint PRIMARY KEY, name text, email varchar(50)); CREATE INDEX users_name_idx ON users (name); CREATE TYPE mood AS ENUM (\'a\');'];

beforeAll(loadParser);

function predict(sql: string, pgVersion: number) {
  const schema = new SchemaState();
  for (const s of parseSql(HISTORY[0], 'h.sql').statements) schema.apply(s.ast, false);
  return predictLocks(parseSql(sql, 'x.sql').statements[0].ast, { pgVersion, schema });
}

describe('version boundaries', () => {
  it('PG 11 stores a constant default without rewriting; PG 10 rewrites', () => {
    const sql = 'ALTER TABLE users ADD COLUMN flag boolean NOT NULL DEFAULT false';
    expect(predict(sql, 10).rewrites).toEqual([{ relation: 'public.users', kind: 'table', source: 'predicted' }]);
    expect(predict(sql, 11).rewrites).toEqual([]);
    expect(rulesHit(run({ history: HISTORY, pgVersion: 10, migrations: [sql] }))).toContain('column-default-rewrite');
    expect(rulesHit(run({ history: HISTORY, pgVersion: 11, migrations: [sql] }))).not.toContain('column-default-rewrite');
  });

  it('PG 12 skips the SET NOT NULL scan after a validated CHECK (col IS NOT NULL); PG 11 does not', () => {
    const recipe = 'ALTER TABLE users ADD CONSTRAINT name_nn CHECK (name IS NOT NULL) NOT VALID;';
    const validate = 'ALTER TABLE users VALIDATE CONSTRAINT name_nn;';
    const setNotNull = "SET lock_timeout = '1s';\nALTER TABLE users ALTER COLUMN name SET NOT NULL;";
    const migrations = [recipe, validate, setNotNull];
    expect(findings(run({ history: HISTORY, pgVersion: 12, migrations })).filter((f) => f.rule === 'set-not-null-scan')).toEqual([]);
    expect(findings(run({ history: HISTORY, pgVersion: 11, migrations })).filter((f) => f.rule === 'set-not-null-scan')).toHaveLength(1);
  });

  it('suggests NOT NULL … NOT VALID on PG 18 and the CHECK recipe on PG 17', () => {
    const sql = 'ALTER TABLE users ALTER COLUMN name SET NOT NULL;';
    const at = (v: number) => findings(run({ history: HISTORY, pgVersion: v, migrations: [sql] })).find((f) => f.rule === 'set-not-null-scan')!.suggestion;
    expect(at(18)).toContain('NOT NULL name NOT VALID');
    expect(at(17)).toContain('CHECK (name IS NOT NULL) NOT VALID');
  });

  it('PG 18 NOT NULL … NOT VALID is brief; its VALIDATE takes SHARE UPDATE EXCLUSIVE', () => {
    expect(predict('ALTER TABLE users ADD CONSTRAINT n NOT NULL name NOT VALID', 18)).toMatchObject({ locks: [{ mode: 'AccessExclusiveLock' }], scans: [] });
    expect(rulesHit(run({ history: HISTORY, pgVersion: 18, migrations: ['ALTER TABLE users ADD CONSTRAINT n NOT NULL name NOT VALID;'] }))).not.toContain('constraint-missing-not-valid');
    expect(rulesHit(run({ history: HISTORY, pgVersion: 18, migrations: ['ALTER TABLE users ADD CONSTRAINT n NOT NULL name;'] }))).toContain('constraint-missing-not-valid');
  });

  it('binary-coercible type changes need no rewrite', () => {
    expect(predict('ALTER TABLE users ALTER COLUMN email TYPE varchar(100)', 15).rewrites).toEqual([]);
    expect(predict('ALTER TABLE users ALTER COLUMN email TYPE text', 15).rewrites).toEqual([]);
    expect(predict('ALTER TABLE users ALTER COLUMN email TYPE varchar(20)', 15).rewrites).toHaveLength(1);
    expect(predict('ALTER TABLE users ALTER COLUMN name TYPE varchar(20)', 15).rewrites).toHaveLength(1);
  });

  it('ALTER INDEX … RENAME takes SHARE UPDATE EXCLUSIVE from PG 12, ACCESS EXCLUSIVE before', () => {
    expect(predict('ALTER INDEX users_name_idx RENAME TO users_name_idx2', 11).locks[0].mode).toBe('AccessExclusiveLock');
    expect(predict('ALTER INDEX users_name_idx RENAME TO users_name_idx2', 12).locks[0].mode).toBe('ShareUpdateExclusiveLock');
  });

  it('VIRTUAL generated columns (PG 18) do not rewrite; STORED ones do', () => {
    expect(predict('ALTER TABLE users ADD COLUMN n2 int GENERATED ALWAYS AS (id * 2) VIRTUAL', 18).rewrites).toEqual([]);
    expect(predict('ALTER TABLE users ADD COLUMN n2 int GENERATED ALWAYS AS (id * 2) STORED', 18).rewrites).toHaveLength(1);
  });

  it('REINDEX CONCURRENTLY is suggested from PG 12 only', () => {
    const at = (v: number) => findings(run({ history: HISTORY, pgVersion: v, migrations: ['REINDEX INDEX users_name_idx;'] })).find((f) => f.rule === 'require-concurrent-reindex')!.suggestion;
    expect(at(12)).toContain('REINDEX INDEX CONCURRENTLY users_name_idx');
    expect(at(11)).toContain('before PostgreSQL 12');
  });
});
