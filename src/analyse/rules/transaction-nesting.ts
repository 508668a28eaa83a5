import { Rule } from './types';

const TEXT = {
  'begin-inside-transaction': 'BEGIN inside a transaction that is already open does nothing but warn: the later COMMIT ends the outer transaction early.',
  'commit-without-transaction': 'COMMIT/ROLLBACK with no open transaction does nothing: statements before it were never in the transaction the file suggests.',
  'unterminated-begin': 'BEGIN is never committed: when the runner closes the session the whole migration is rolled back silently.',
  'commit-ends-runner-transaction': "COMMIT ends the runner's own transaction: the rest of the file runs outside it and the runner's final COMMIT finds nothing to commit.",
} as const;

export const rule: Rule = {
  id: 'transaction-nesting',
  severity: 'error',
  summary: 'Explicit BEGIN/COMMIT that nests in, ends or never ends a transaction makes the migration apply differently from how it reads.',
  checkMigration(m) {
    return m.transactions.problems.map((p) => ({
      statementIndex: p.statementIndex,
      message: TEXT[p.problem],
      suggestion:
        p.problem === 'unterminated-begin'
          ? 'COMMIT;  -- at the end of the file'
          : m.migration.transactional
            ? '-- remove BEGIN/COMMIT from the file: the runner already wraps the migration in a transaction'
            : '-- pair every BEGIN with one COMMIT, without nesting',
    }));
  },
};
