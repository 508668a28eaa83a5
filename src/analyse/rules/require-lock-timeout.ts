import { modeName } from './support';
import { trafficLocks } from './locking';
import { Rule, RuleHit } from './types';

export const rule: Rule = {
  id: 'require-lock-timeout',
  severity: 'warning',
  summary: 'A lock request that waits without lock_timeout queues every later query on the table behind it.',
  checkMigration(m) {
    const hits: RuleHit[] = [];
    for (const span of m.transactions.spans) {
      const first = span.statements.map((i) => m.statements[i]).find((s) => !s.timeouts.lockTimeout && trafficLocks(s).length > 0);
      if (!first) continue;
      const locks = trafficLocks(first);
      const later = span.statements.filter((i) => i > first.index && trafficLocks(m.statements[i]).length > 0).length;
      const local = span.openedBy === 'autocommit' ? 'SET' : 'SET LOCAL';
      hits.push({
        statementIndex: first.index,
        message: `No lock_timeout is set before this statement requests ${locks.map((l) => `${modeName(l.mode)} on ${l.relation}`).join(', ')}; while it waits for a running query, every new query on ${locks.length > 1 ? 'those tables' : 'the table'} queues behind it${later ? ` (and ${later} later statement${later > 1 ? 's' : ''} in this transaction lock more)` : ''}.`,
        suggestion: `${local} lock_timeout = '5s';  -- first statement of the migration; retry the migration if it times out\n-- or set runnerTimeouts.lockTimeout in drydock.config.json when the runner sets it`,
      });
    }
    return hits;
  },
};
