/**
 * The dry run of data migrations (hooked into src/dryrun):
 *   - a TypeScript/JavaScript migration runs once in a transaction that is rolled back, recording
 *     every query with its call site; the recorded statements are then traced like a SQL file (the
 *     database is back in the same state, so the module sends the same queries), each attributed
 *     to the module's file:line. down(db) is recorded the same way, so the round trip checks it;
 *   - a batched backfill traces its FIRST batch as the statement (its locks and duration are one
 *     batch's row-lock window), then runs the remaining batches untraced and estimates the whole
 *     backfill: batches × batch time + pauses;
 *   - data checks run after every new migration.
 */
import type { ClientBase } from 'pg';
import { SourceText } from '../parse/parser';
import type { ParsedMigration } from '../engine/types';
import type { ServerError } from '../report/types';
import { toReportStatement } from '../engine/load';
import { traceScript, TraceSession } from '../dryrun/tracer';
import { upScript } from '../dryrun/script';
import { attachRecorded } from './apply-code';
import { batchPlanOf, BatchPlan } from './batch-plan';
import { isCodeMigrationPath, lineInFile, loadCodeMigration } from './code-migration';
import { RecordedQuery, recordingDb } from './db';
import { runBackfill } from './executor';
import { MemoryProgressStore } from './progress-store';
import { backfillTotalMs } from './estimate';
import { firstFailure, hasChecks, runChecks } from './verify';

/** Trace a new migration the way its kind needs; returns the first error, like traceScript. */
export async function traceMigration(session: TraceSession, pm: ParsedMigration, log: (line: string) => void): Promise<ServerError | null> {
  if (isCodeMigrationPath(pm.file.path)) return traceCodeMigration(session, pm);
  const plan = batchPlanOf(pm);
  if (plan) return traceBackfill(session, pm, plan, log);
  return traceScript(session, upScript(pm), pm.migration);
}

/** Run a history migration untraced; for SQL migrations the caller's replay does it. Returns false when not ours. */
export async function replayCodeMigration(client: ClientBase, pm: ParsedMigration): Promise<boolean> {
  if (!isCodeMigrationPath(pm.file.path)) return false;
  const module = loadCodeMigration(pm.file.absPath, pm.file.path);
  await client.query('BEGIN');
  try {
    await module.up(recordingDb(client, pm.file.absPath, []));
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
  return true;
}

async function traceCodeMigration(session: TraceSession, pm: ParsedMigration): Promise<ServerError | null> {
  const { client } = session;
  const module = loadCodeMigration(pm.file.absPath, pm.file.path);
  const up: RecordedQuery[] = [];
  const upError = await recordRolledBack(client, pm, (db) => module.up(db), up);
  if (upError) return upError;
  attachRecorded(pm, up, null);
  pm.migration.statements = pm.parsed.statements.map((s) => ({ ...toReportStatement(s), origin: { path: pm.file.path, line: s.line, column: s.column } }));
  const text = pm.parsed.statements.length > 0 ? up.map((q) => q.sql).join(';\n') : '';
  const error = await traceScript(session, { path: pm.file.path, source: new SourceText(text), statements: pm.parsed.statements, transactional: true }, pm.migration);
  if (error || !module.down) return error;
  // The down as it would run now, after up: recorded and undone, then proven by the round trip.
  const down: RecordedQuery[] = [];
  const downError = await recordRolledBack(client, pm, (db) => module.down!(db), down);
  if (downError) return downError;
  attachRecorded(pm, up, down);
  pm.migration.downPath = pm.file.path;
  return null;
}

/** Run fn in a transaction that is rolled back, recording its queries; a failure is located in the module. */
async function recordRolledBack(
  client: ClientBase,
  pm: ParsedMigration,
  fn: (db: ReturnType<typeof recordingDb>) => Promise<unknown>,
  recorded: RecordedQuery[],
): Promise<ServerError | null> {
  await client.query('BEGIN');
  try {
    await fn(recordingDb(client, pm.file.absPath, recorded));
    return null;
  } catch (error) {
    const e = error as Error & { callSite?: { line: number; column: number }; code?: string };
    const line = e.callSite?.line ?? lineInFile(e, pm.file.absPath) ?? 1;
    return { message: e.message, code: e.code, path: pm.file.path, line, column: e.callSite?.column ?? 1 };
  } finally {
    await client.query('ROLLBACK');
  }
}

async function traceBackfill(session: TraceSession, pm: ParsedMigration, plan: BatchPlan, log: (line: string) => void): Promise<ServerError | null> {
  const { client } = session;
  const { directive, rewriter, statement } = plan;
  const store = new MemoryProgressStore();
  const total = Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${rewriter.target.table}`)).rows[0].n);
  const boundary = (await client.query<{ upper: string | null; keys: number }>(rewriter.boundarySql(null, directive.size))).rows[0];
  // The first batch is what the trace shows: its locks, rows and time are one batch's.
  const first = boundary.upper === null ? statement : { ...statement, sql: rewriter.batchSql(null, boundary.upper), start: 0, end: 0 };
  first.end = first === statement ? statement.end : first.sql.length;
  const source = first === statement ? upScript(pm).source : new SourceText(first.sql, statement.line - 1);
  const error = await traceScript(session, { path: pm.file.path, source, statements: [first], transactional: false }, pm.migration);
  if (error) return error;
  const report = pm.migration.statements[statement.index];
  const tracedBatchMs = report.durationMs ?? 0;
  const batches = Math.ceil(total / directive.size);
  if (boundary.upper !== null) {
    store.state = {
      checksum: pm.migration.checksum,
      lastKey: boundary.upper,
      keysDone: boundary.keys,
      rowsDone: report.rows ?? 0,
      total,
      batches: 1,
      done: false,
      elapsedMs: tracedBatchMs,
      maxBatchMs: tracedBatchMs,
      throttledMs: 0,
    };
    await runBackfill(client, { plan, store, checksum: pm.migration.checksum, lockTimeoutMs: 0, statementTimeoutMs: 0, monitor: null, log, progressEveryMs: 10_000 });
  }
  report.batch = {
    key: directive.key,
    size: directive.size,
    pauseMs: directive.pauseMs,
    totalRows: total,
    batches,
    batchSql: first.sql,
    tracedKeys: boundary.keys,
    tracedRows: report.rows ?? 0,
    tracedBatchMs,
    estimatedTotalMs: backfillTotalMs(batches, tracedBatchMs, directive.pauseMs),
  };
  session.relations = null;
  return null;
}

/** Data checks after a traced migration; a failure becomes an error finding and stops the dry run like a failed statement. */
export async function checkMigrationData(client: ClientBase, pm: ParsedMigration): Promise<ServerError | null> {
  if (!hasChecks(pm)) return null;
  const checks = await runChecks(client, pm);
  pm.migration.checks = checks;
  const failed = firstFailure(checks);
  if (!failed) return null;
  pm.migration.findings.push({
    rule: 'data-check-failed',
    severity: 'error',
    message: `data check failed after the migration: ${failed.message}`,
    suggestion: `fix the migration so that this query returns no rows (or true): ${failed.sql}`,
    path: failed.path,
    line: failed.line,
  });
  return { message: `data check failed: ${failed.message} — query: ${failed.sql}`, path: failed.path, line: failed.line, column: 1 };
}
