/** The class comes from the trace; the statement text only says what kind of work it is. */
import { loadParser, parseSql } from '../../src/parse/parser';
import type { LockEntry, LockMode, Statement } from '../../src/report/types';
import { classifyStatement } from '../../src/estimate/classify';

beforeAll(() => loadParser());

function lock(relation: string, mode: LockMode, relkind = 'table'): LockEntry {
  return { relation, mode, source: 'traced', relkind };
}

function traced(sql: string, trace: Partial<Statement>): { statement: Statement; ast: Record<string, unknown> } {
  const p = parseSql(sql, 'm.sql').statements[0];
  const statement: Statement = {
    index: 0,
    line: 1,
    column: 1,
    endLine: 1,
    sql: p.sql,
    kind: p.kind,
    nonTransactional: p.nonTransactional,
    transactionControl: p.transactionControl,
    locks: [],
    rewrites: [],
    durationMs: 3,
    findings: [],
    scan: null,
    rows: 0,
    ...trace,
  };
  return { statement, ast: p.ast };
}

function classOf(sql: string, trace: Partial<Statement>) {
  const { statement, ast } = traced(sql, trace);
  return classifyStatement(statement, ast);
}

test('a traced relfilenode change is a rewrite; the same text without one is metadata', () => {
  const locks = [lock('public.t', 'AccessExclusiveLock')];
  expect(
    classOf('ALTER TABLE t ALTER COLUMN a TYPE bigint', { locks, rewrites: [{ relation: 'public.t', kind: 'table', source: 'traced' }] }),
  ).toMatchObject({ class: 'table-rewrite', table: 'public.t' });
  // varchar(10) → varchar(20) is binary-coercible: no rewrite in the trace.
  expect(classOf('ALTER TABLE t ALTER COLUMN a TYPE varchar(20)', { locks })).toMatchObject({ class: 'metadata', table: 'public.t' });
  expect(
    classOf('ALTER TABLE t ADD COLUMN r float8 DEFAULT random()', { locks, rewrites: [{ relation: 'public.t', kind: 'table', source: 'traced' }] }),
  ).toMatchObject({ class: 'table-rewrite' });
  // Only an index was rebuilt (e.g. REINDEX on a rewritten index): not a table rewrite.
  expect(classOf('ALTER TABLE t ADD COLUMN n int DEFAULT 42', { locks, rewrites: [] })).toMatchObject({ class: 'metadata' });
});

test('SET NOT NULL scans unless a valid CHECK proves it, and the trace tells which', () => {
  const locks = [lock('public.t', 'AccessExclusiveLock')];
  expect(classOf('ALTER TABLE t ALTER COLUMN c SET NOT NULL', { locks, scan: { relation: 'public.t', seqScans: 1, tuplesRead: 12 } })).toMatchObject({
    class: 'validation-scan',
    table: 'public.t',
  });
  expect(classOf('ALTER TABLE t ALTER COLUMN c SET NOT NULL', { locks, scan: null })).toMatchObject({ class: 'metadata' });
  // No scan trace at all (undefined): the statement's own meaning stands in, and says so.
  const fallback = classOf('ALTER TABLE t ALTER COLUMN c SET NOT NULL', { locks, scan: undefined });
  expect(fallback).toMatchObject({ class: 'validation-scan' });
  expect(fallback?.reason).toMatch(/no scan trace/);
});

test('VALIDATE CONSTRAINT: a CHECK is a validation scan, a foreign key locks and checks the parent too', () => {
  expect(
    classOf('ALTER TABLE t VALIDATE CONSTRAINT t_a_check', {
      locks: [lock('public.t', 'ShareUpdateExclusiveLock')],
      scan: { relation: 'public.t', seqScans: 1, tuplesRead: 0 },
    }),
  ).toMatchObject({ class: 'validation-scan' });
  expect(
    classOf('ALTER TABLE t VALIDATE CONSTRAINT t_p_fk', {
      locks: [lock('public.t', 'ShareUpdateExclusiveLock'), lock('public.parent', 'RowShareLock'), lock('public.parent_pkey', 'AccessShareLock', 'index')],
      scan: { relation: 'public.t', seqScans: 1, tuplesRead: 0 },
    }),
  ).toMatchObject({ class: 'fk-validation', table: 'public.t', related: ['public.parent'] });
  // NOT VALID: no scan traced, so metadata even though both tables are locked.
  expect(
    classOf('ALTER TABLE t ADD CONSTRAINT t_p_fk FOREIGN KEY (p) REFERENCES parent (id) NOT VALID', {
      locks: [lock('public.t', 'ShareRowExclusiveLock'), lock('public.parent', 'ShareRowExclusiveLock')],
    }),
  ).toMatchObject({ class: 'metadata' });
});

test('index builds: the traced lock separates plain from concurrent', () => {
  expect(classOf('CREATE INDEX i ON t (a)', { locks: [lock('public.t', 'ShareLock')] })).toMatchObject({ class: 'index-build', table: 'public.t' });
  expect(classOf('CREATE INDEX CONCURRENTLY i ON t (a)', { locks: [lock('public.t', 'ShareUpdateExclusiveLock')] })).toMatchObject({
    class: 'concurrent-index-build',
  });
  // Non-transactional: no locks could be traced; the relation comes from the statement.
  expect(classOf('CREATE INDEX CONCURRENTLY i ON app.t (a)', { locks: [] })).toMatchObject({ class: 'concurrent-index-build', table: 'app.t' });
  expect(classOf('ALTER TABLE t ADD PRIMARY KEY (id)', { locks: [lock('public.t', 'AccessExclusiveLock')] })).toMatchObject({ class: 'index-build' });
  expect(classOf('ALTER TABLE t ADD CONSTRAINT u UNIQUE USING INDEX i', { locks: [lock('public.t', 'AccessExclusiveLock')] })).toMatchObject({
    class: 'metadata',
  });
});

test('DML is a backfill of the table it writes; transaction control and failed statements get no class', () => {
  expect(
    classOf('UPDATE t SET d = a', { locks: [lock('public.t', 'RowExclusiveLock'), lock('public.other', 'AccessShareLock')], rows: 120 }),
  ).toMatchObject({ class: 'dml-backfill', table: 'public.t' });
  expect(classOf('BEGIN', {})).toBeNull();
  expect(classOf('ALTER TABLE t ADD COLUMN x int', { error: { message: 'boom', path: 'm.sql', line: 1, column: 1 } })).toBeNull();
});
