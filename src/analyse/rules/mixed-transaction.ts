import { Rule, RuleHit } from './types';

export const rule: Rule = {
  id: 'mixed-transaction',
  severity: 'error',
  summary: 'A non-transactional statement sharing a migration with other statements runs in their implicit transaction and fails (or leaves a half-applied migration).',
  checkMigration(m) {
    if (m.migration.transactional) return [];
    const work = m.statements.filter((s) => !s.parsed.transactionControl);
    const nonTx = work.filter((s) => s.parsed.nonTransactional && !s.inTransactionBlock);
    if (nonTx.length === 0 || work.length < 2) return [];
    const hits: RuleHit[] = [
      {
        statementIndex: nonTx[0].index,
        message: `Migration ${m.migration.id} mixes ${nonTx.length} non-transactional statement${nonTx.length > 1 ? 's' : ''} with ${work.length - nonTx.length} other statement${work.length - nonTx.length === 1 ? '' : 's'}: runners that send the file as one query run it in an implicit transaction, where it fails; runners that split it leave a half-applied migration on error.`,
        suggestion: '-- one non-transactional statement per migration file, e.g.\n-- migration A (transactional): the DDL\n-- migration B (no transaction): CREATE INDEX CONCURRENTLY IF NOT EXISTS …;',
      },
    ];
    return hits;
  },
};
