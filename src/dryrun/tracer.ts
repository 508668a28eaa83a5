/**
 * Traced execution of a new migration. After every statement the trace function (trace-query.ts)
 * runs in the same transaction, so what the statement did is read before anything is released:
 *   - a script drydock wraps goes as ONE query, "BEGIN; trace; s1; trace; s2; trace; …; COMMIT"
 *     (statements stay separate statements; the traces split the server clock between them). If it
 *     fails, everything rolled back, and the script is re-run one statement per round trip to pin
 *     the failing statement and its position;
 *   - a script run as written: its own BEGIN/COMMIT go alone, statements inside its transaction as
 *     "statement; trace", statements outside as "BEGIN; wal; statement; trace; COMMIT" (the same
 *     single-statement transaction autocommit would give), and non-transactional statements alone
 *     under the lock observer.
 */
import type { Client, QueryResult } from 'pg';
import { performance } from 'node:perf_hooks';
import type { ParsedStatement } from '../parse/parser';
import { transactionControlKind } from '../parse/transaction';
import type { LockEntry, LockMode, Migration, RewriteEntry, ScanTrace, ServerError, Statement } from '../report/types';
import { redact } from '../util/secrets';
import { round, TransactionLocks } from './lock-windows';
import type { LockObserver } from './observer';
import { failureFix, isServerError, locateServerError } from './server-error';
import { Script, wrapsInTransaction } from './script';
import {
  AFTER_OBSERVED_SQL,
  BEFORE_OBSERVED_SQL,
  KnownRelation,
  loadRelations,
  identifyObjects,
  LOCKED_OBJECTS_SQL,
  objectNames,
  LockRow,
  lockRows,
  lsnDiff,
  relkindName,
  START_SQL,
  StartRow,
  TRACE_SQL,
  TraceRow,
  WAL_SQL,
} from './trace-query';

/** The migration backend and what the tracer keeps between statements. */
export interface TraceSession {
  client: Client;
  pid: number;
  observer: LockObserver;
  /** relfilenode of every user relation, kept current from the traces; null = reload before tracing. */
  relations: Map<number, KnownRelation> | null;
}

const AUTOCOMMIT_PREFIX = `BEGIN;\n${WAL_SQL};\n`;

/** Traces every statement of `script` into `migration`; returns the first error (tracing stops there). */
export async function traceScript(session: TraceSession, script: Script, migration: Migration): Promise<ServerError | null> {
  session.relations ??= await loadRelations(session.client);
  const run = new ScriptRun(session, script, migration);
  try {
    return await run.execute();
  } catch (error) {
    session.relations = null;
    throw error;
  }
}

class ScriptRun {
  private tx: TransactionLocks | null = null;
  private lsn = '';
  /** Latest server clock reading (epoch ms): lock windows are timed on the server's clock. */
  private clock = 0;
  /** Names of locked objects by "classid:objid:objsubid", from the batch or identifyObjects. */
  private readonly names = new Map<string, [string, string] | null>();
  /** Object lock entries still to be named (once per script). */
  private readonly unnamed: { key: string; entry: LockEntry; report: Statement }[] = [];

  constructor(
    private readonly session: TraceSession,
    private readonly script: Script,
    private readonly migration: Migration,
  ) {
    migration.lockWindows = [];
  }

  async execute(): Promise<ServerError | null> {
    const error = await this.run();
    await this.nameObjects();
    return error;
  }

  /**
   * Object locks get their names after the script: from the batch, else in one query (names are not
   * cached across scripts: a later migration may rename the object). An object gone by then (dropped, or created
   * and dropped again) was transient: its entry is left out.
   */
  private async nameObjects(): Promise<void> {
    if (this.unnamed.length === 0) return;
    const missing = [...new Set(this.unnamed.map((u) => u.key))].filter((key) => !this.names.has(key));
    if (missing.length > 0) {
      for (const [key, name] of await identifyObjects(this.session.client, missing)) this.names.set(key, name);
    }
    for (const { key, entry, report } of this.unnamed) {
      const name = this.names.get(key);
      if (name) {
        entry.relkind = name[0];
        entry.relation = displayIdentity(name[1]);
      } else {
        report.locks = report.locks.filter((l) => l !== entry);
      }
    }
  }

  private async run(): Promise<ServerError | null> {
    const { client } = this.session;
    const wrapped = wrapsInTransaction(this.script);
    if (wrapped && (await this.batch())) return null;
    if (wrapped) {
      const results = asArray(await client.query(`BEGIN;\n${START_SQL}`));
      this.tx = new TransactionLocks();
      this.clockFrom(startRow(results[1]));
    } else {
      this.lsn = (await client.query(WAL_SQL)).rows[0].lsn as string;
    }
    for (const statement of this.script.statements) {
      const error = await this.statement(statement);
      if (error) {
        await this.fail(statement, error);
        return error;
      }
    }
    if (wrapped || this.tx) {
      // drydock's own COMMIT (or a file that never committed: its runner would end the session).
      await client.query('COMMIT');
      this.endTransaction(null);
    }
    return null;
  }

  /** The whole wrapped script in one round trip; false when it failed (and was rolled back). */
  private async batch(): Promise<boolean> {
    const { statements } = this.script;
    // The locked objects are named in the same round trip, while the transaction still holds them.
    const parts = ['BEGIN', START_SQL, ...statements.flatMap((s) => [s.sql, TRACE_SQL]), LOCKED_OBJECTS_SQL, 'COMMIT'];
    let results: QueryResult[];
    try {
      results = asArray(await this.session.client.query(parts.join(';\n')));
    } catch (error) {
      if (!isServerError(error)) throw error;
      await this.session.client.query('ROLLBACK');
      return false;
    }
    this.tx = new TransactionLocks();
    let previous: StartRow = startRow(results[1]);
    this.clockFrom(previous);
    for (const statement of statements) {
      const trace = results[3 + 2 * statement.index].rows[0].trace as TraceRow;
      this.applyTrace(statement, results[2 + 2 * statement.index], trace, previous.t1, trace.t0 - previous.t1);
      previous = trace;
    }
    for (const [key, name] of objectNames(results[2 + 2 * statements.length].rows[0].objects)) this.names.set(key, name);
    this.endTransaction(null);
    return true;
  }

  private clockFrom(trace: StartRow): void {
    this.lsn = trace.lsn;
    this.clock = trace.t1;
  }

  private async statement(statement: ParsedStatement): Promise<ServerError | null> {
    if (statement.transactionControl) return this.transactionControl(statement);
    if (this.tx) return this.traced(statement, '', 0, 1);
    if (statement.nonTransactional) return this.observed(statement);
    return this.traced(statement, AUTOCOMMIT_PREFIX, 2, 3, true);
  }

  private report(statement: ParsedStatement): Statement {
    return this.migration.statements[statement.index];
  }

  private async transactionControl(statement: ParsedStatement): Promise<ServerError | null> {
    const started = performance.now();
    const kind = transactionControlKind(statement.ast);
    try {
      if (kind === 'begin') {
        const results = asArray(await this.session.client.query(`${statement.sql};\n${START_SQL}`));
        this.clockFrom(startRow(results[1]));
        this.tx = new TransactionLocks();
      } else {
        await this.session.client.query(statement.sql);
        if (kind === 'commit' || kind === 'rollback') {
          this.tx?.executedStatement(statement.index);
          this.endTransaction(statement.index);
          if (kind === 'rollback') this.session.relations = null;
        }
      }
    } catch (error) {
      if (!isServerError(error)) throw error;
      return locateServerError(error, this.script, statement, 0);
    }
    const report = this.report(statement);
    report.durationMs = round(performance.now() - started);
    return null;
  }

  /** One round trip: [prefix] statement; trace [; COMMIT]. */
  private async traced(
    statement: ParsedStatement,
    prefix: string,
    statementResult: number,
    traceResult: number,
    autocommit = false,
  ): Promise<ServerError | null> {
    if (autocommit) this.tx = new TransactionLocks();
    let results: QueryResult[];
    try {
      results = asArray(await this.session.client.query(`${prefix}${statement.sql};\n${TRACE_SQL}${autocommit ? ';\nCOMMIT' : ''}`));
    } catch (error) {
      if (!isServerError(error)) throw error;
      return locateServerError(error, this.script, statement, prefix.length);
    }
    if (autocommit) this.lsn = results[1].rows[0].lsn as string;
    const trace = results[traceResult].rows[0].trace as TraceRow;
    // One statement per message here: the server's time since the message arrived is the statement's.
    this.applyTrace(statement, results[statementResult], trace, trace.t0 - trace.ms, trace.ms);
    if (autocommit) this.endTransaction(statement.index);
    return null;
  }

  /** Fill the statement's report from its trace; `started` on the server clock (epoch ms). */
  private applyTrace(statement: ParsedStatement, result: QueryResult, trace: TraceRow, started: number, durationMs: number): void {
    const tx = this.tx!;
    const report = this.report(statement);
    tx.executedStatement(statement.index);
    const locks = lockRows(trace.locks);
    this.applyLocks(report, locks, tx, statement.index, started);
    report.rewrites = this.rewrites(locks, []);
    report.scans = scans(locks, tx);
    report.scan = report.scans.reduce<ScanTrace | null>((max, s) => (!max || s.tuplesRead > max.tuplesRead ? s : max), null);
    report.rows = result.rowCount ?? null;
    report.walBytes = lsnDiff(this.lsn, trace.lsn);
    report.timeouts = { lockTimeout: trace.lt, statementTimeout: trace.st };
    report.durationMs = round(durationMs);
    report.error = null;
    this.clockFrom(trace);
  }

  private async observed(statement: ParsedStatement): Promise<ServerError | null> {
    const { client, pid, observer } = this.session;
    const before = (await client.query(BEFORE_OBSERVED_SQL)).rows[0] as { lsn: string; invalid: [string, string][] };
    const run = await observer.run(client, pid, statement);
    if (run.error && !isServerError(run.error)) throw run.error;
    const oids = [...new Set(run.locks.filter((l) => l.t === 'relation').map((l) => l.o))];
    const after = (await client.query(AFTER_OBSERVED_SQL, [oids])).rows[0] as {
      lsn: string;
      lt: string;
      st: string;
      rels: [number, number, string, string][];
      invalid: [string, string][];
    };
    const report = this.report(statement);
    const tx = new TransactionLocks();
    this.applyLocks(report, run.locks, tx, statement.index, 0);
    report.rewrites = this.rewrites([], after.rels.map(([oid, filenode, name]) => [oid, filenode, name]));
    report.walBytes = lsnDiff(before.lsn, after.lsn);
    this.lsn = after.lsn;
    report.timeouts = { lockTimeout: after.lt, statementTimeout: after.st };
    report.durationMs = round(run.ms);
    report.rows = run.result?.rowCount ?? null;
    report.scans = [];
    report.scan = null;
    // Observed locks are all released when the statement ends.
    this.migration.lockWindows!.push(...tx.close(statement.index, 0).map((w) => ({ ...w, holdMs: round(run.ms) })));
    this.reportInvalidIndexes(statement, before.invalid, after.invalid);
    if (run.error) return locateServerError(run.error, this.script, statement, 0);
    report.error = null;
    return null;
  }

  /** New lock entries of this statement, and lock windows opened for new relation locks. */
  private applyLocks(report: Statement, rows: LockRow[], tx: TransactionLocks, index: number, started: number): void {
    const known = this.session.relations!;
    const locks: LockEntry[] = [];
    for (const row of rows) {
      const key = `${row.t}:${row.o}:${row.m}`;
      if (tx.seen.has(key)) continue;
      tx.seen.add(key);
      const mode = row.m as LockMode;
      if (row.t === 'relation') {
        const prior = known.get(row.o);
        const relation = row.r ?? prior?.name;
        // Neither in the catalog nor known before: a transient relation the statement made and dropped
        // (the new heap of a table rewrite).
        if (!relation) continue;
        const entry: LockEntry = { relation, mode, source: 'traced', relkind: relkindName(row.k ?? prior?.kind) };
        // Not known before this statement: it created the relation, which nobody else can see yet.
        if (!prior) entry.created = true;
        locks.push(entry);
        tx.acquired(relation, mode, index, started);
      } else {
        const entry: LockEntry = { relation: row.object!, mode, source: 'traced', relkind: 'object' };
        locks.push(entry);
        this.unnamed.push({ key: row.object!, entry, report });
      }
    }
    report.locks = locks;
  }

  /** Relations whose relfilenode changed; keeps the known relfilenodes current. */
  private rewrites(locks: LockRow[], indexes: [number, number, string][]): RewriteEntry[] {
    const known = this.session.relations!;
    const rewrites = new Map<string, RewriteEntry>();
    const check = (oid: number, filenode: number | null, name: string | null, kind: string | null | undefined) => {
      if (!name || filenode === null) return;
      const prior = known.get(oid);
      const relkind = kind ?? prior?.kind ?? 'r';
      // relfilenode 0: partitioned tables and indexes have no storage of their own.
      if (prior && filenode !== 0 && prior.filenode !== filenode) {
        rewrites.set(name, { relation: name, kind: relkind === 'i' || relkind === 'I' ? 'index' : 'table', source: 'traced' });
      }
      known.set(oid, { name, kind: relkind, filenode });
    };
    for (const l of locks) if (l.t === 'relation') check(l.o, l.f === null ? null : Number(l.f), l.r, l.k);
    for (const [oid, filenode, name] of indexes) check(Number(oid), Number(filenode), name, 'i');
    // Tables before their indexes, by name: pg_locks' order is the lock table's, not the reader's.
    return [...rewrites.values()].sort((a, b) => (a.kind === b.kind ? a.relation.localeCompare(b.relation) : a.kind === 'table' ? -1 : 1));
  }

  private reportInvalidIndexes(statement: ParsedStatement, before: [string, string][], after: [string, string][]): void {
    const already = new Set(before.map(([index]) => index));
    for (const [index, table] of after) {
      if (already.has(index)) continue;
      this.report(statement).findings.push({
        rule: 'invalid-index',
        severity: 'error',
        message: `the statement left index ${index} on ${table} INVALID: a failed concurrent build keeps the index, unused by queries but maintained on every write`,
        suggestion: `DROP INDEX CONCURRENTLY IF EXISTS ${index}; then fix the cause and build it again`,
        path: this.script.path,
        line: statement.line,
        column: statement.column,
      });
    }
  }

  private endTransaction(releasedAt: number | null): void {
    if (!this.tx) return;
    // Until the last server clock reading of the transaction (the COMMIT itself is not timed).
    this.migration.lockWindows!.push(...this.tx.close(releasedAt, this.clock));
    this.tx = null;
  }

  private async fail(statement: ParsedStatement, error: ServerError): Promise<void> {
    const report = this.report(statement);
    report.error = error;
    report.findings.push({
      rule: 'dry-run-error',
      severity: 'error',
      message: redact(`the statement failed in the dry run: ${error.message}${error.detail ? ` (${error.detail})` : ''}`),
      suggestion: failureFix(error),
      path: error.path,
      line: error.line,
      column: error.column,
    });
    // Leave no aborted transaction behind (a harmless warning when none is open).
    await this.session.client.query('ROLLBACK');
    this.endTransaction(null);
    this.session.relations = null;
  }
}

function startRow(result: QueryResult): StartRow {
  const row = result.rows[0] as { lsn: string; t1: string | number };
  return { lsn: row.lsn, t1: Number(row.t1) };
}

function asArray(result: QueryResult | QueryResult[]): QueryResult[] {
  return Array.isArray(result) ? result : [result];
}

/** Sequential scans of this statement: growth of the transaction's counters since the last trace. */
function scans(rows: LockRow[], tx: TransactionLocks): ScanTrace[] {
  const out: ScanTrace[] = [];
  for (const row of rows) {
    if (row.sc === null || row.sc === undefined || !row.r) continue;
    const prior = tx.scans.get(row.o) ?? { seqScans: 0, tuplesRead: 0 };
    const now = { seqScans: Number(row.sc), tuplesRead: Number(row.tr ?? 0) };
    tx.scans.set(row.o, now);
    if (now.seqScans > prior.seqScans) {
      out.push({ relation: row.r, seqScans: now.seqScans - prior.seqScans, tuplesRead: now.tuplesRead - prior.tuplesRead });
    }
  }
  return out;
}

/**
 * pg_identify_object's identity as the report writes relation names: unquoted
 * (`public."DocumentStatus"` → public.DocumentStatus), so a lock line does not mix both styles.
 */
function displayIdentity(identity: string): string {
  return identity.replace(/"((?:[^"]|"")*)"/g, (_, inner: string) => inner.replace(/""/g, '"'));
}
