/**
 * Non-transactional statements (CREATE INDEX CONCURRENTLY, VACUUM…) run outside any transaction, so
 * the migration backend cannot read its own locks afterwards: they are gone. A second connection
 * watches the backend's pg_locks while the statement runs. On an empty dry-run table the statement
 * would finish before the first look, so a third connection first holds a SHARE UPDATE EXCLUSIVE lock
 * on the target table: every non-transactional statement needs at least that mode, so it queues
 * behind the blocker on its main lock (while catalog lookups under ACCESS SHARE pass), the observer
 * sees the lock it waits for, and the blocker lets go. The time spent queued is not counted in the
 * statement's duration.
 */
import type { Client, QueryResult } from 'pg';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ParsedStatement } from '../parse/parser';
import { connect } from '../util/pg';
import { quoteAlways } from '../parse/quote';
import { LockRow, lockRows, LockTuple, OBSERVE_SQL } from './trace-query';

/** Longest the blocker holds its lock when the statement never shows up waiting (e.g. it fails early). */
const MAX_BLOCK_MS = 2000;

export interface ObservedRun {
  result: QueryResult | null;
  error: unknown;
  /** Every relation/object lock seen, first sighting of each (type, object, mode). */
  locks: LockRow[];
  /** Wall time of the statement minus the time it spent queued behind the blocker. */
  ms: number;
}

export class LockObserver {
  private observer: Client | null = null;
  private blocker: Client | null = null;

  constructor(private readonly url: string) {}

  async run(client: Client, pid: number, statement: ParsedStatement): Promise<ObservedRun> {
    this.observer ??= await connect(this.url);
    const blocked = await this.block(statement);
    const started = performance.now();
    let runningSince = started;
    let outcome: { result: QueryResult | null; error: unknown } | null = null;
    const pending = client.query(statement.sql).then(
      (result) => (outcome = { result, error: null }),
      (error: unknown) => (outcome = { result: null, error }),
    );
    const seen = new Map<string, LockRow>();
    let holding = blocked;
    try {
      while (outcome === null) {
        const rows = lockRows((await this.observer.query<{ locks: LockTuple[] }>(OBSERVE_SQL, [pid])).rows[0].locks);
        for (const row of rows) {
          const key = `${row.t}:${row.o}:${row.m}`;
          if (!seen.has(key)) seen.set(key, row);
        }
        if (holding && (rows.some((r) => !r.g) || performance.now() - started > MAX_BLOCK_MS)) {
          await this.release();
          holding = false;
          runningSince = performance.now();
        }
        if (outcome === null) await sleep(holding ? 1 : 3);
      }
    } finally {
      if (holding) await this.release();
    }
    await pending;
    const done = outcome as unknown as { result: QueryResult | null; error: unknown };
    return { ...done, locks: [...seen.values()], ms: performance.now() - runningSince };
  }

  /** Lock the statement's target table from the blocker session; false when there is none to lock. */
  private async block(statement: ParsedStatement): Promise<boolean> {
    const target = blockTarget(statement.ast);
    if (!target) return false;
    this.blocker ??= await connect(this.url);
    // An index name stands for its table: LOCK TABLE takes tables only.
    const { rows } = await this.blocker.query<{ t: string | null }>(
      `SELECT coalesce((SELECT i.indrelid FROM pg_index i WHERE i.indexrelid = r), r)::regclass::text AS t FROM to_regclass($1) r`,
      [target],
    );
    const table = rows[0]?.t;
    if (!table) return false;
    try {
      await this.blocker.query(`BEGIN; SET LOCAL lock_timeout = '${MAX_BLOCK_MS}ms'; LOCK TABLE ${table} IN SHARE UPDATE EXCLUSIVE MODE`);
      return true;
    } catch {
      await this.blocker.query('ROLLBACK');
      return false;
    }
  }

  private async release(): Promise<void> {
    await this.blocker?.query('ROLLBACK');
  }

  async close(): Promise<void> {
    await Promise.all([this.observer?.end().catch(() => undefined), this.blocker?.end().catch(() => undefined)]);
    this.observer = null;
    this.blocker = null;
  }
}

type Node = Record<string, unknown>;

/** The relation a non-transactional statement works on, as text for to_regclass. */
export function blockTarget(ast: Record<string, unknown>): string | null {
  const [kind] = Object.keys(ast);
  const node = (ast[kind] ?? {}) as Node;
  switch (kind) {
    case 'IndexStmt':
    case 'ReindexStmt':
    case 'AlterTableStmt':
      return rangeVarName(node.relation as Node | undefined);
    case 'VacuumStmt': {
      const first = (node.rels as Node[] | undefined)?.[0]?.VacuumRelation as Node | undefined;
      return rangeVarName(first?.relation as Node | undefined);
    }
    case 'DropStmt': {
      const items = ((node.objects as Node[] | undefined)?.[0]?.List as Node | undefined)?.items as Node[] | undefined;
      const names = items?.map((i) => (i.String as Node | undefined)?.sval as string | undefined);
      return names && names.every(Boolean) ? names.map((n) => quoteAlways(n!)).join('.') : null;
    }
    default:
      return null;
  }
}

function rangeVarName(rv: Node | undefined): string | null {
  if (!rv?.relname) return null;
  const parts = [rv.schemaname, rv.relname].filter(Boolean) as string[];
  return parts.map(quoteAlways).join('.');
}
