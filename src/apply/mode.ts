/**
 * How a migration is applied:
 *   transaction — one transaction around all statements (and the history row), the default;
 *   statements  — autocommit, one statement per round trip: the migration is marked non-transactional
 *                 or holds a statement PostgreSQL refuses inside a transaction block (CIC, VACUUM…);
 *   script      — the file carries its own BEGIN/COMMIT in the middle; run as written, one by one.
 * A file wrapped in exactly one BEGIN … COMMIT (sqitch style) is applied as a transaction without
 * the wrapper, so drydock's own transaction (with its timeouts and history row) takes its place.
 */
import type { ParsedMigration } from '../engine/types';
import type { ParsedStatement } from '../parse/parser';
import { transactionControlKind } from '../parse/transaction';
import type { ApplyMode } from './types';

export interface ApplyPlan {
  mode: ApplyMode;
  statements: ParsedStatement[];
}

export function planApply(pm: ParsedMigration): ApplyPlan {
  const all = pm.parsed.statements;
  const control = all.filter((s) => s.transactionControl);
  if (control.length === 2 && isWrapper(all)) {
    const inner = all.slice(1, -1);
    return { mode: inner.some((s) => s.nonTransactional) ? 'statements' : 'transaction', statements: inner };
  }
  if (control.length > 0) return { mode: 'script', statements: all };
  const transactional = pm.migration.transactional && !all.some((s) => s.nonTransactional);
  return { mode: transactional ? 'transaction' : 'statements', statements: all };
}

function isWrapper(statements: ParsedStatement[]): boolean {
  const first = statements[0];
  const last = statements[statements.length - 1];
  return (
    first.transactionControl &&
    last.transactionControl &&
    transactionControlKind(first.ast) === 'begin' &&
    transactionControlKind(last.ast) === 'commit'
  );
}
