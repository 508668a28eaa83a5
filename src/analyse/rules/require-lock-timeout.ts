import { lockList } from './support';
import { Rule, RuleHit, StatementView } from './types';

export const rule: Rule = {
  id: 'require-lock-timeout',
  severity: 'warning',
  summary: 'A lock request that waits without lock_timeout queues every later query on the table behind it.',
  checkMigration(m) {
    const hits: RuleHit[] = [];
    for (const span of m.transactions.spans) {
      // The first statement that requests a traffic-blocking lock with no lock_timeout in force.
      let first: StatementView | undefined;
      let later = 0;
      for (const i of span.statements) {
        const s = m.statements[i];
        if (first) later += s.trafficLocks.length > 0 ? 1 : 0;
        else if (!s.timeouts.lockTimeout && s.trafficLocks.length > 0) first = s;
      }
      if (!first) continue;
      const locks = lockList(first.trafficLocks);
      const local = span.openedBy === 'autocommit' ? 'SET' : 'SET LOCAL';
      hits.push({
        statementIndex: first.index,
        message: `No lock_timeout is set before this statement requests ${locks.text}; while it waits for a running query, every new query on ${locks.tables > 1 ? 'those tables' : 'the table'} queues behind it${later ? ` (and ${later} later statement${later > 1 ? 's' : ''} in this transaction lock${later > 1 ? '' : 's'} more)` : ''}.`,
        suggestion: `${local} lock_timeout = '5s';  -- first statement of the migration; retry the migration if it times out\n-- or set runnerTimeouts.lockTimeout in drydock.config.json when the runner sets it`,
      });
    }
    return hits;
  },
};
