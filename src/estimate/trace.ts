/**
 * A minimal trace for estimating SQL outside the full dry run (the estimate benchmark, tests):
 * each statement runs and commits on its own, measured by ./measure.ts, and gets one lock window
 * per table it locked. The dry run (src/dryrun) traces real transaction boundaries instead.
 */
import type { Client } from 'pg';
import type { MigrationFile } from '../discover/types';
import { migrationReport } from '../engine/migration-report';
import type { ParsedMigration } from '../engine/types';
import { loadParser, parseSql } from '../parse/parser';
import type { LockWindow, Statement } from '../report/types';
import { strongestLock } from './classify';
import { measureStatement } from './measure';

export async function traceStatementsOneByOne(client: Client, sql: string, path: string, id = path): Promise<ParsedMigration> {
  await loadParser();
  const parsed = parseSql(sql, path);
  const statements: Statement[] = [];
  const lockWindows: LockWindow[] = [];
  for (const p of parsed.statements) {
    const m = await measureStatement(client, p.sql, { transactional: !p.nonTransactional, commit: true });
    statements.push({
      index: p.index,
      line: p.line,
      column: p.column,
      endLine: p.endLine,
      sql: p.sql,
      kind: p.kind,
      nonTransactional: p.nonTransactional,
      transactionControl: p.transactionControl,
      locks: m.locks,
      rewrites: m.rewrites,
      durationMs: m.ms,
      findings: [],
      scan: m.scan,
      rows: m.rows,
      walBytes: m.walBytes,
      timeouts: null,
    });
    const tables = m.locks.filter((l) => l.relkind === 'table');
    for (const relation of new Set(tables.map((l) => l.relation))) {
      const lock = strongestLock(tables.filter((l) => l.relation === relation))!;
      lockWindows.push({ relation, mode: lock.mode, acquiredAt: p.index, releasedAt: p.index, heldDuring: [], holdMs: m.ms });
    }
  }
  const file: MigrationFile = {
    id,
    description: '',
    path,
    absPath: path,
    layout: 'plain',
    direction: 'up',
    sql,
    sqlStartLine: 1,
    checksum: '',
    transactional: false,
    transactionSource: 'default',
    down: null,
    verify: null,
    isNew: true,
  };
  const migration = { ...migrationReport(file, statements), lockWindows };
  return { migration, file, parsed, parsedDown: null, downError: null };
}
