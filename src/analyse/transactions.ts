/**
 * Which statements of a migration share a transaction. Locks are held until the transaction ends,
 * so this decides how long every lock is held and whether CONCURRENTLY can run at all.
 *
 * A transactional migration is one transaction opened by the runner; a non-transactional one runs
 * each statement on its own unless the file carries BEGIN … COMMIT itself.
 */
import { transactionControlKind } from '../parse/transaction';
import type { ParsedStatement } from '../parse/parser';

export interface TransactionSpan {
  id: number;
  /** Statement indexes executed in it (transaction control excluded). */
  statements: number[];
  /**
   * Opened by the runner's BEGIN, by PostgreSQL for a multi-statement query ("implicit"), by an
   * explicit BEGIN in the file, or not at all (each statement commits on its own).
   */
  openedBy: 'runner' | 'implicit' | 'begin' | 'autocommit';
  /** Index of the statement that ends it (COMMIT/ROLLBACK), or null for the end of the migration. */
  endedAt: number | null;
}

export interface TransactionProblem {
  statementIndex: number;
  problem: 'begin-inside-transaction' | 'commit-without-transaction' | 'unterminated-begin' | 'commit-ends-runner-transaction';
}

export interface TransactionModel {
  spans: TransactionSpan[];
  /** Span id of each statement (transaction control statements belong to the span they open/close). */
  spanOf: number[];
  problems: TransactionProblem[];
}

/**
 * Runners that add no BEGIN of their own but send the whole file as one query, which PostgreSQL
 * runs as one implicit transaction (migration-formats.md §1.1 and §2): explicit BEGIN/COMMIT in
 * the file is legitimate there, and a statement alone in its file is not in a transaction block.
 */
const IMPLICIT_TRANSACTION_LAYOUTS = new Set(['golang-migrate', 'prisma', 'supabase', 'plain']);

export type RunnerTransaction = 'runner' | 'implicit' | 'none';

export function runnerTransaction(layout: string, transactional: boolean): RunnerTransaction {
  if (!transactional) return 'none';
  return IMPLICIT_TRANSACTION_LAYOUTS.has(layout) ? 'implicit' : 'runner';
}

export function modelTransactions(statements: ParsedStatement[], runner: RunnerTransaction): TransactionModel {
  const spans: TransactionSpan[] = [];
  const spanOf: number[] = [];
  const problems: TransactionProblem[] = [];
  let current: TransactionSpan | null = null;
  const open = (openedBy: TransactionSpan['openedBy']): TransactionSpan => {
    const span: TransactionSpan = { id: spans.length, statements: [], openedBy, endedAt: null };
    spans.push(span);
    return span;
  };
  if (runner !== 'none') current = open(runner);

  for (const s of statements) {
    if (s.transactionControl) {
      const kind = transactionControlKind(s.ast);
      if (kind === 'begin') {
        // BEGIN inside an implicit transaction turns it into a regular one: no nesting.
        if (current?.openedBy === 'implicit') current.openedBy = 'begin';
        else if (current) problems.push({ statementIndex: s.index, problem: 'begin-inside-transaction' });
        else current = open('begin');
        spanOf.push(current.id);
      } else if (kind === 'commit' || kind === 'rollback') {
        if (!current) {
          problems.push({ statementIndex: s.index, problem: 'commit-without-transaction' });
          spanOf.push(-1);
        } else {
          if (current.openedBy === 'runner') problems.push({ statementIndex: s.index, problem: 'commit-ends-runner-transaction' });
          current.endedAt = s.index;
          spanOf.push(current.id);
          // After a COMMIT in a multi-statement query the next statements start a new implicit transaction.
          current = runner === 'implicit' ? open('implicit') : null;
        }
      } else {
        spanOf.push(current ? current.id : -1);
      }
      continue;
    }
    const span = current ?? open('autocommit');
    span.statements.push(s.index);
    spanOf.push(span.id);
  }
  if (current && current.openedBy === 'begin') {
    const beginIndex = statements.findIndex((s) => spanOf[s.index] === current!.id);
    problems.push({ statementIndex: Math.max(0, beginIndex), problem: 'unterminated-begin' });
  }
  return { spans, spanOf, problems };
}

/** True when the statement runs inside a transaction block (runner, explicit, or shared implicit). */
export function inTransactionBlock(model: TransactionModel, index: number): boolean {
  const span = model.spans[model.spanOf[index]];
  if (span === undefined || span.openedBy === 'autocommit') return false;
  // A statement alone in its query is not in an implicit transaction block.
  return span.openedBy !== 'implicit' || span.statements.length > 1;
}
