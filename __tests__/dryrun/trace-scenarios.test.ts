/**
 * Traced locks and rewrites of single statements, on the embedded server and on PostgreSQL 15.
 * All scenarios run in one dry run per server: fixtures as history, one new migration each.
 */
import { dryRun, DryRunResult } from '../../src/dryrun';
import type { ParsedMigration } from '../../src/engine/types';
import { testServerVersions, dropTestDatabases } from '../support/pg';
import { buildMigrations, relationLocks, testServer } from './helpers';
import { fixtureSql, SCENARIOS } from './scenarios';

afterAll(dropTestDatabases);

describe.each(testServerVersions())('PostgreSQL %s', (major) => {
  let migrations: ParsedMigration[];
  let result: DryRunResult;
  const traced = new Map<string, ParsedMigration>();

  beforeAll(async () => {
    const server = await testServer(major);
    try {
      migrations = await buildMigrations([
        ...SCENARIOS.filter((s) => fixtureSql(s)).map((s) => ({ id: `000_${s.id}`, up: fixtureSql(s), isNew: false })),
        ...SCENARIOS.map((s) => ({ id: `100_${s.id}`, up: s.sql, isNew: true })),
      ]);
      result = await dryRun(migrations, { server, cacheDir: null });
    } finally {
      await server.stop();
    }
    for (const m of migrations) if (m.migration.isNew) traced.set(m.migration.id.slice(4), m);
  });

  test('the run traced every scenario and names the server', () => {
    expect(result.failed).toBeNull();
    expect(Math.floor(result.server.versionNum / 10000)).toBe(Number(major));
    expect(result.server.version).toMatch(new RegExp(`^${major}\\.`));
  });

  test.each(SCENARIOS.map((s) => [s.id, s] as const))('%s', (id, scenario) => {
    const statement = traced.get(id)!.migration.statements[0];
    expect(statement.error).toBeNull();
    const expected = [...(scenario.locksByVersion?.[major] ?? scenario.locks)].sort();
    if (scenario.observed) expect(relationLocks(statement)).toEqual(expect.arrayContaining(expected));
    else expect(relationLocks(statement)).toEqual(expected);
    expect(statement.locks.every((l) => l.source === 'traced')).toBe(true);
    expect(statement.rewrites.map((r) => r.relation).sort()).toEqual([...(scenario.rewrites ?? [])].sort());
    if (scenario.scan) {
      expect(statement.scans).toContainEqual({ relation: scenario.scan.relation, seqScans: expect.any(Number), tuplesRead: scenario.scan.tuplesRead });
    }
    if (scenario.rows !== undefined) expect(statement.rows).toBe(scenario.rows);
    if (scenario.objectLocks) expect(statement.locks.filter((l) => !relationLocks({ ...statement, locks: [l] }).length).map((l) => `${l.relkind} ${l.relation}:${l.mode}`)).toEqual(expect.arrayContaining(scenario.objectLocks));
    expect(statement.durationMs).toEqual(expect.any(Number));
    expect(statement.walBytes).toEqual(expect.any(Number));
    expect(statement.timeouts).toEqual({ lockTimeout: '0', statementTimeout: '0' });
  });
});
