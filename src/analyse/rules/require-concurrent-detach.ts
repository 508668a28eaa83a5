import { existingEffects, Rule } from './types';

export const rule: Rule = {
  id: 'require-concurrent-detach',
  severity: 'warning',
  summary: 'DETACH PARTITION without CONCURRENTLY takes ACCESS EXCLUSIVE on the partitioned table (PostgreSQL 14+ has an online form).',
  check(s, m) {
    const effect = existingEffects(s, ['detach-partition']).find((e) => e.relkind === 'table');
    if (!effect) return [];
    const child = s.prediction.effects.find((e) => e.code === 'detach-partition-child')?.relation ?? '<partition>';
    return [
      {
        message: `DETACH PARTITION takes ACCESS EXCLUSIVE on ${effect.relation} (blocks reads and writes on every partition).`,
        suggestion:
          m.pgVersion >= 14
            ? `-- outside a transaction (PostgreSQL 14+, no default partition):\nALTER TABLE ${effect.relation} DETACH PARTITION ${child} CONCURRENTLY;`
            : '-- before PostgreSQL 14 there is no online form: set a short lock_timeout and retry',
      },
    ];
  },
};
