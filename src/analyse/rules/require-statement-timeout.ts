import { Rule, RuleHit } from './types';

export const rule: Rule = {
  id: 'require-statement-timeout',
  severity: 'warning',
  summary: 'Long work under a traffic-blocking lock without statement_timeout can block the table for as long as it runs.',
  checkMigration(m) {
    const hits: RuleHit[] = [];
    for (const span of m.transactions.spans) {
      const statements = span.statements.map((i) => m.statements[i]);
      // Blocking starts at the first traffic lock of the transaction and lasts until it ends.
      const lockAt = statements.findIndex((s) => s.trafficLocks.length > 0);
      if (lockAt === -1) continue;
      const culprit = statements.slice(lockAt).find((s) => !s.timeouts.statementTimeout && s.slowWork);
      if (!culprit) continue;
      const local = span.openedBy === 'autocommit' ? 'SET' : 'SET LOCAL';
      hits.push({
        statementIndex: culprit.index,
        message: `This statement ${culprit.slowWork} while locks that block application traffic are held, and no statement_timeout bounds it.`,
        suggestion: `${local} statement_timeout = '60s';  -- sized to the table; or set runnerTimeouts.statementTimeout in drydock.config.json`,
      });
    }
    return hits;
  },
};
