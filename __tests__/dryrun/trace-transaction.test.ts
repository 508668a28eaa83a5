/**
 * Facts the trace must keep for statements that follow others in one transaction: trace() sends
 * only locks that are new or changed since its previous call, so a rewrite, a rename or a scan under
 * a lock the transaction already holds must still be reported. And scan counters must not carry
 * over from an earlier transaction.
 */
import { dryRun } from '../../src/dryrun';
import type { ParsedMigration } from '../../src/engine/types';
import type { Statement } from '../../src/report/types';
import { dropTestDatabases, testServerVersions } from '../support/pg';
import { buildMigrations, relationLocks, testServer } from './helpers';

afterAll(dropTestDatabases);

const HISTORY = 'CREATE TABLE tx_t (id int PRIMARY KEY, a int);\nINSERT INTO tx_t SELECT g, g FROM generate_series(1, 10) g;';

/** One statement per line, all in drydock's transaction. */
const IN_ONE_TRANSACTION = [
  'ALTER TABLE tx_t ADD COLUMN b float8 DEFAULT random();',
  'ALTER TABLE tx_t ALTER COLUMN a TYPE bigint;',
  'ALTER TABLE tx_t RENAME TO tx_t2;',
  'ALTER TABLE tx_t2 ADD COLUMN c float8 DEFAULT random();',
  'SELECT count(*) FROM tx_t2 WHERE a > 0;',
  'SELECT count(*) FROM tx_t2 WHERE a > 0;',
].join('\n');

describe.each(testServerVersions())('PostgreSQL %s', (major) => {
  let migrations: ParsedMigration[];

  beforeAll(async () => {
    const server = await testServer(major);
    try {
      migrations = await buildMigrations([
        { id: '1_history', up: HISTORY, isNew: false },
        { id: '2_index', up: 'CREATE INDEX tx_t_a ON tx_t (a);' },
        { id: '3_in_one_transaction', up: IN_ONE_TRANSACTION },
        { id: '4_comment', up: "COMMENT ON TABLE tx_t2 IS 'renamed';" },
        // A view has no relfilenode: its lock, taken mid-transaction, must be reported like any other.
        { id: '5_view', up: 'ALTER TABLE tx_t2 ADD COLUMN d int;\nCREATE VIEW tx_v AS SELECT id FROM tx_t2;\nSELECT count(*) FROM tx_v;' },
      ]);
      const result = await dryRun(migrations, { server, cacheDir: null, roundTrip: false });
      expect(result.failed).toBeNull();
    } finally {
      await server.stop();
    }
  });

  const statements = (id: string): Statement[] => migrations.find((m) => m.migration.id === id)!.migration.statements;
  const rewritten = (s: Statement) => s.rewrites.map((r) => r.relation).sort();

  test('a rewrite under a lock the transaction already holds is reported', () => {
    const [addColumn, alterType] = statements('3_in_one_transaction');
    expect(rewritten(addColumn)).toEqual(['public.tx_t', 'public.tx_t_a', 'public.tx_t_pkey']);
    expect(relationLocks(alterType)).not.toContain('public.tx_t:AccessExclusiveLock');
    // The index on the retyped column is built anew (a new relation, not a rewrite).
    expect(rewritten(alterType)).toEqual(['public.tx_t', 'public.tx_t_pkey']);
    expect(alterType.locks).toContainEqual(expect.objectContaining({ relation: 'public.tx_t_a', created: true }));
  });

  test('a rename under a held lock names the relation by its new name afterwards', () => {
    const [, , rename, addColumn] = statements('3_in_one_transaction');
    expect(rename.locks).toEqual([]);
    expect(rewritten(addColumn)).toEqual(['public.tx_t2', 'public.tx_t_a', 'public.tx_t_pkey']);
  });

  test('a scan under locks already held is reported, each statement with its own scans', () => {
    const [, , , , firstCount, secondCount] = statements('3_in_one_transaction');
    expect(firstCount.scans).toEqual([{ relation: 'public.tx_t2', seqScans: 1, tuplesRead: 10 }]);
    expect(relationLocks(secondCount)).toEqual([]);
    expect(secondCount.scans).toEqual([{ relation: 'public.tx_t2', seqScans: 1, tuplesRead: 10 }]);
  });

  test('a lock on a relation without storage (a view) taken mid-transaction is reported', () => {
    const [addColumn, createView, selectView] = statements('5_view');
    expect(relationLocks(addColumn)).toContain('public.tx_t2:AccessExclusiveLock');
    expect(relationLocks(createView)).toContain('public.tx_v:AccessExclusiveLock');
    expect(selectView.scans).toEqual([{ relation: 'public.tx_t2', seqScans: 1, tuplesRead: 10 }]);
  });

  test('scans of earlier transactions are not charged to a later statement', () => {
    expect(statements('2_index')[0].scans).toEqual([{ relation: 'public.tx_t', seqScans: 1, tuplesRead: 10 }]);
    expect(statements('4_comment')[0].scans).toEqual([]);
  });
});
