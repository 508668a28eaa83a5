/**
 * Builds ParsedMigration objects from SQL strings, as discovery and parsing would, so the dry run
 * can be tested without migration folders. Servers come from the jest global setup (shadow-url
 * provider over the test servers: each dry run gets its own database there).
 */
import { toReportStatement } from '../../src/engine/load';
import { migrationReport } from '../../src/engine/migration-report';
import { createHash } from 'node:crypto';
import type { MigrationFile } from '../../src/discover/types';
import type { ParsedMigration } from '../../src/engine/types';
import { loadParser, parseSql, ParsedFile } from '../../src/parse/parser';
import type { Statement } from '../../src/report/types';
import { EphemeralServer, startEphemeralServer } from '../../src/dryrun/providers';
import { testServerUrl } from '../support/pg';

export interface MigrationSpec {
  id: string;
  up: string;
  down?: string;
  isNew?: boolean;
  /** Default: true unless the SQL holds a statement Postgres refuses inside a transaction. */
  transactional?: boolean;
  path?: string;
}

export async function buildMigration(spec: MigrationSpec): Promise<ParsedMigration> {
  await loadParser();
  const path = spec.path ?? `migrations/${spec.id}/up.sql`;
  const parsed = parseSql(spec.up, path);
  const downPath = spec.down === undefined ? null : path.replace(/up\.sql$/, 'down.sql');
  const parsedDown = spec.down === undefined ? null : parseSql(spec.down, downPath!);
  const transactional = spec.transactional ?? !parsed.statements.some((s) => s.nonTransactional);
  const checksum = createHash('sha256').update(spec.up).digest('hex');
  const file: MigrationFile = {
    id: spec.id,
    description: spec.id,
    path,
    absPath: '/' + path,
    layout: 'diesel',
    direction: 'up',
    sql: spec.up,
    sqlStartLine: 1,
    checksum,
    transactional,
    transactionSource: 'default',
    down: spec.down === undefined ? null : { path: downPath!, absPath: '/' + downPath, sql: spec.down, sqlStartLine: 1 },
    verify: null,
    isNew: spec.isNew ?? true,
  };
  const migration = migrationReport(file, reportStatements(parsed));
  return { migration, file, parsed, parsedDown, downError: null };
}

export function reportStatements(parsed: ParsedFile): Statement[] {
  return parsed.statements.map(toReportStatement);
}

export async function buildMigrations(specs: MigrationSpec[]): Promise<ParsedMigration[]> {
  return Promise.all(specs.map(buildMigration));
}

/** An EphemeralServer over the jest test server of this major version (default: embedded). */
export function testServer(major?: string): Promise<EphemeralServer> {
  return startEphemeralServer({ shadowUrl: testServerUrl(major) });
}

/** "relation:mode" of a statement's traced relation locks, sorted. */
export function relationLocks(statement: Statement): string[] {
  return statement.locks
    .filter((l) => !['schema', 'type', 'function', 'object'].includes(l.relkind ?? ''))
    .map((l) => `${l.relation}:${l.mode}`)
    .sort();
}
