import { NO_HITS, Rule } from './types';

export const rule: Rule = {
  id: 'drop-database',
  severity: 'error',
  summary: 'DROP DATABASE in a migration destroys all data in it and cannot run in a transaction.',
  triggers: { kinds: ['DropdbStmt'] },
  check(s) {
    if (s.parsed.kind !== 'DropdbStmt') return NO_HITS;
    return [{ message: 'DROP DATABASE deletes every table and row in that database, irreversibly.', suggestion: '-- remove it from the migration; drop databases by hand after a verified backup' }];
  },
};
