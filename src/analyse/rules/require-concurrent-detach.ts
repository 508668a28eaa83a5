import { existingEffects, NO_HITS, Rule } from './types';
import { sqlName } from './support';

const CODES = ['detach-partition'];

export const rule: Rule = {
  id: 'require-concurrent-detach',
  severity: 'warning',
  summary: 'DETACH PARTITION without CONCURRENTLY takes ACCESS EXCLUSIVE on the partitioned table (PostgreSQL 14+ has an online form).',
  triggers: { effects: CODES },
  check(s, m) {
    const effect = existingEffects(s, CODES).find((e) => e.relkind === 'table');
    if (!effect) return NO_HITS;
    const child = s.prediction.effects.find((e) => e.code === 'detach-partition-child')?.relation;
    return [
      {
        message: `DETACH PARTITION takes ACCESS EXCLUSIVE on ${effect.relation} (blocks reads and writes on every partition).`,
        suggestion:
          m.pgVersion >= 14
            ? `-- outside a transaction (PostgreSQL 14+, no default partition):\nALTER TABLE ${sqlName(effect.relation)} DETACH PARTITION ${child ? sqlName(child) : '<partition>'} CONCURRENTLY;`
            : '-- before PostgreSQL 14 there is no online form: set a short lock_timeout and retry',
      },
    ];
  },
};
