import { NO_HITS, Rule } from './types';

export const rule: Rule = {
  id: 'concurrently-in-transaction',
  severity: 'error',
  summary: 'CONCURRENTLY (and VACUUM, CREATE DATABASE…) cannot run inside a transaction block: the migration fails with SQLSTATE 25001.',
  check(s, m) {
    if (!s.parsed.nonTransactional || !s.inTransactionBlock) return NO_HITS;
    const openedBy = s.span?.openedBy;
    const byRunner = openedBy === 'runner' || openedBy === 'implicit';
    const why =
      openedBy === 'runner'
        ? `the runner wraps migration ${m.migration.id} in one (${m.migration.transactionSource})`
        : openedBy === 'implicit'
          ? `the runner sends the file as one query, which PostgreSQL runs as one implicit transaction with the file's other statements`
          : 'the file opens one with BEGIN';
    return [
      {
        message: `${s.parsed.kind === 'VacuumStmt' ? 'VACUUM' : 'This statement'} cannot run inside a transaction block, and ${why}: it fails with "cannot run inside a transaction block".`,
        suggestion: byRunner
          ? `-- move it into its own migration and turn the runner's transaction off for that migration\n-- (${runnerHint(m.migration.layout)}), one statement per file`
          : '-- remove the surrounding BEGIN/COMMIT and keep the statement alone in its migration',
      },
    ];
  },
};

function runnerHint(layout: string): string {
  switch (layout) {
    case 'diesel':
      return 'metadata.toml: run_in_transaction = false';
    case 'dbmate':
      return '-- migrate:up transaction:false';
    case 'flyway':
      return 'V…sql.conf: executeInTransaction=false';
    case 'golang-migrate':
    case 'prisma':
    case 'supabase':
    case 'plain':
      return 'these runners add no transaction: remove BEGIN/COMMIT and keep the statement alone in its file';
    default:
      return "the runner's no-transaction option";
  }
}
