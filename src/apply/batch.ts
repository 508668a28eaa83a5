/**
 * A transactional migration as one simple-protocol batch: BEGIN, the timeouts, then each statement
 * preceded by a marker SELECT that returns the server clock (the first and last also the WAL
 * position and table sizes). Markers stream back as rows while the batch runs, so per-statement
 * timings come from the server clock without a round trip per statement, and when a statement
 * fails the last marker received names it. The batch leaves the transaction open (or aborted).
 */
import { Query } from 'pg';
import type { ClientBase } from 'pg';
import type { ParsedStatement } from '../parse/parser';
import { measureColumns, Measurement, MeasureRow, toMeasurement } from './measure';
import type { RelationName } from './relations';

const MARK_COLUMN = 'drydock_mark';

export interface BatchOutcome {
  /** Server time (ms) of marker k: just before statement k; the last one after the last statement. */
  marks: number[];
  before: Measurement | null;
  after: Measurement | null;
}

export class BatchError extends Error {
  constructor(
    override readonly cause: unknown,
    /** Index into the statements of the one that failed, or null when BEGIN/SET failed. */
    readonly failedAt: number | null,
    readonly marks: number[],
  ) {
    super((cause as Error).message);
  }
}

export function buildBatch(client: ClientBase, statements: ParsedStatement[], relations: RelationName[], prelude: string): string {
  const measure = measureColumns(client, relations);
  const mark = (k: number, withMeasure: boolean) =>
    `SELECT ${k} AS ${MARK_COLUMN}, (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS at${withMeasure ? `, ${measure}` : ''}`;
  const parts = [prelude];
  statements.forEach((s, k) => parts.push(mark(k, k === 0), s.sql));
  parts.push(mark(statements.length, true));
  return parts.join(';\n');
}

/** Run a batch from buildBatch for `statementCount` statements. Rejects with a BatchError. */
export function runBatch(client: ClientBase, sql: string, statementCount: number): Promise<BatchOutcome> {
  return new Promise((resolve, reject) => {
    const outcome: BatchOutcome = { marks: [], before: null, after: null };
    const query = new Query(sql);
    query.on('row', (row: Record<string, unknown>) => {
      if (row[MARK_COLUMN] === undefined) return; // a row the migration's own SELECT returned
      const k = Number(row[MARK_COLUMN]);
      outcome.marks[k] = Number(row.at);
      if (k === 0) outcome.before = toMeasurement(row as unknown as MeasureRow);
      if (k === statementCount) outcome.after = toMeasurement(row as unknown as MeasureRow);
    });
    query.on('error', (error: Error) => {
      const last = outcome.marks.length - 1;
      reject(new BatchError(error, last >= 0 ? Math.min(last, statementCount - 1) : null, outcome.marks));
    });
    query.on('end', () => resolve(outcome));
    client.query(query);
  });
}
