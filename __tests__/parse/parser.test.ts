import { loadParser, parseSql } from '../../src/parse/parser';
import { DrydockError } from '../../src/util/errors';

beforeAll(loadParser);

/** Every statement's text must be exactly what stands in the file at its reported position. */
function expectPositionsMatchSource(text: string) {
  const file = parseSql(text, 'x.sql');
  const lines = text.split('\n');
  for (const s of file.statements) {
    const firstLine = [...lines[s.line - 1]];
    expect(firstLine.slice(s.column - 1).join('').startsWith(s.sql.split('\n')[0])).toBe(true);
  }
  return file;
}

describe('parseSql', () => {
  it('splits statements with 1-based line and column', () => {
    const file = expectPositionsMatchSource('CREATE TABLE a (id int);\n\n  ALTER TABLE a ADD COLUMN b text;\n');
    expect(file.statements.map((s) => [s.line, s.column, s.kind])).toEqual([
      [1, 1, 'CreateStmt'],
      [3, 3, 'AlterTableStmt'],
    ]);
    expect(file.statements[1].sql).toBe('ALTER TABLE a ADD COLUMN b text');
  });

  it('keeps positions right after non-ASCII text, including astral characters', () => {
    const text = "-- Größe 😀\nINSERT INTO t VALUES ('ü😀ß'); SELECT 'é';\nSELECT 1";
    const file = expectPositionsMatchSource(text);
    expect(file.statements.map((s) => [s.line, s.column, s.sql])).toEqual([
      [2, 1, "INSERT INTO t VALUES ('ü😀ß')"],
      [2, 31, "SELECT 'é'"],
      [3, 1, 'SELECT 1'],
    ]);
  });

  it('handles a file that ends without a semicolon and trailing comments', () => {
    const file = parseSql('SELECT 1;\nSELECT 2\n-- the end\n', 'x.sql');
    expect(file.statements.map((s) => s.sql)).toEqual(['SELECT 1', 'SELECT 2']);
    expect(file.trailingComments.map((c) => c.text)).toEqual(['-- the end']);
  });

  it('returns no statements for a comment-only file', () => {
    const file = parseSql('-- nothing here\n/* nor here */\n', 'x.sql');
    expect(file.statements).toEqual([]);
    expect(file.trailingComments).toHaveLength(2);
  });

  it('keeps dollar-quoted bodies and DO blocks whole', () => {
    const text = "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;\nDO $$ BEGIN RAISE NOTICE 'a;b'; END $$;";
    const file = parseSql(text, 'x.sql');
    expect(file.statements.map((s) => s.kind)).toEqual(['CreateFunctionStmt', 'DoStmt']);
    expect(file.statements[1].sql).toBe("DO $$ BEGIN RAISE NOTICE 'a;b'; END $$");
  });

  it('parses what node-sql-parser cannot', () => {
    const text = [
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a)',
      'ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID',
      "ALTER TYPE e ADD VALUE 'x'",
      'ALTER TABLE t ADD CONSTRAINT nn NOT NULL a NOT VALID',
    ].join(';\n');
    expect(parseSql(text, 'x.sql').statements.map((s) => s.kind)).toEqual([
      'IndexStmt',
      'AlterTableStmt',
      'AlterEnumStmt',
      'AlterTableStmt',
    ]);
  });

  it('marks statements that cannot run in a transaction, and transaction control', () => {
    const text = [
      'BEGIN',
      'CREATE INDEX CONCURRENTLY i ON t (a)',
      'DROP INDEX CONCURRENTLY i',
      'REINDEX TABLE CONCURRENTLY t',
      'VACUUM t',
      'ANALYZE t',
      'ALTER TABLE p DETACH PARTITION c CONCURRENTLY',
      'CREATE INDEX j ON t (a)',
      'ALTER SYSTEM SET work_mem = 1',
      'COMMIT',
    ].join(';\n');
    const file = parseSql(text, 'x.sql');
    expect(file.statements.map((s) => s.nonTransactional)).toEqual([false, true, true, true, true, false, true, false, true, false]);
    expect(file.statements.map((s) => s.transactionControl)).toEqual([true, false, false, false, false, false, false, false, false, true]);
  });

  it('attaches comments to the statement they precede or trail on the same line', () => {
    const text = '-- first\nSELECT 1; -- drydock:ignore r -- why\n-- second\nSELECT 2;';
    const file = parseSql(text, 'x.sql');
    expect(file.statements[0].comments.map((c) => c.text)).toEqual(['-- first', '-- drydock:ignore r -- why']);
    expect(file.statements[1].comments.map((c) => c.text)).toEqual(['-- second']);
  });

  it('reports a parse error at path:line:column with the offending line', () => {
    let error: unknown;
    try {
      parseSql("SELECT 'ünï';\nCREATE TABEL t (a int);", 'db/001_x.sql');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DrydockError);
    const formatted = (error as DrydockError).format();
    expect(formatted).toMatch(/^db\/001_x\.sql:2:8: SQL does not parse: syntax error at or near "TABEL"/);
    expect(formatted).toContain('CREATE TABEL t (a int);');
    expect((error as DrydockError).exitCode).toBe(2);
  });
});

describe('parseSql on empty input', () => {
  beforeAll(loadParser);
  it('returns no statements for an empty or blank file', () => {
    expect(parseSql('', 'x.sql').statements).toEqual([]);
    expect(parseSql('\n  \n', 'x.sql').statements).toEqual([]);
  });
});
