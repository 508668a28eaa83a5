/** The batch directive and the key-range rewrite: parsed from comments, misuse named at file:line. */
import { parseSql, loadParser } from '../../src/parse/parser';
import { buildPlan } from '../../src/data/batch-plan';
import { isDrydockError } from '../../src/util/errors';
import { backfillEstimate } from '../../src/data/estimate';

beforeAll(() => loadParser());

function plan(sql: string) {
  return buildPlan(parseSql(sql, 'm/0002_x.sql').statements, 'm/0002_x.sql');
}

function errorOf(sql: string) {
  try {
    plan(sql);
  } catch (error) {
    if (isDrydockError(error)) return { message: error.message, line: error.position?.line };
    throw error;
  }
  throw new Error('expected a DrydockError');
}

test('the range is AND-ed onto the statement’s own WHERE, before RETURNING, leaving subqueries alone', () => {
  const p = plan(`-- drydock:batch key=id size=100 pause=50ms max-lag=2s
UPDATE users u SET score = (SELECT max(s) FROM scores WHERE scores.uid = u.id) WHERE u.score IS NULL OR u.flag RETURNING u.id`)!;
  expect(p.directive).toMatchObject({ key: 'id', size: 100, pauseMs: 50, maxLagMs: 2000, line: 1 });
  expect(p.rewriter.batchSql('10', '20')).toBe(
    `UPDATE users u SET score = (SELECT max(s) FROM scores WHERE scores.uid = u.id) WHERE (u.score IS NULL OR u.flag) AND u.id > '10' AND u.id <= '20' RETURNING u.id`,
  );
  expect(plan('-- drydock:batch key=id\nDELETE FROM public.events')!.rewriter.batchSql(null, "it's")).toBe(`DELETE FROM public.events WHERE events.id <= 'it''s'`);
  expect(plan('UPDATE t SET a = 1')).toBeNull();
});

test('misuse is a DrydockError naming the line', () => {
  expect(errorOf('-- drydock:batch key=id\nINSERT INTO t SELECT 1')).toMatchObject({ line: 2, message: expect.stringContaining('not InsertStmt') });
  expect(errorOf('-- drydock:batch key=id\nUPDATE t SET a = b.a FROM b WHERE b.id = t.id')).toMatchObject({ message: expect.stringContaining('FROM/USING') });
  expect(errorOf('-- drydock:batch size=10\nUPDATE t SET a = 1')).toMatchObject({ line: 1, message: expect.stringContaining('key=') });
  expect(errorOf('-- drydock:batch key=id speed=9\nUPDATE t SET a = 1')).toMatchObject({ message: expect.stringContaining('speed=9') });
  expect(errorOf('ALTER TABLE t ADD c int;\n-- drydock:batch key=id\nUPDATE t SET c = 1')).toMatchObject({
    line: 2,
    message: 'a drydock:batch statement must be the only statement of its migration',
  });
});

test('the backfill estimate is batches × batch time plus the pauses between batches', () => {
  const batch = { key: 'id', size: 50_000, pauseMs: 20, totalRows: 1_000_000, batches: 20, batchSql: '', tracedKeys: 50_000, tracedRows: 50_000, tracedBatchMs: 200, estimatedTotalMs: 0 };
  expect(backfillEstimate(batch, 10_000_000, 'production rows')).toMatchObject({ ms: 200 * 200 + 199 * 20, class: 'batched-backfill' });
});
