import { existingEffects, NO_HITS, Rule } from './types';

const CODES = ['vacuum-full', 'cluster'];

export const rule: Rule = {
  id: 'vacuum-full-cluster',
  severity: 'error',
  summary: 'VACUUM FULL and CLUSTER rewrite the table and its indexes under ACCESS EXCLUSIVE, blocking reads and writes throughout.',
  triggers: { effects: CODES },
  check(s) {
    const effect = existingEffects(s, CODES)[0];
    if (!effect) return NO_HITS;
    return [
      {
        message: `${effect.code === 'cluster' ? 'CLUSTER' : 'VACUUM FULL'} rewrites ${effect.relation} under ACCESS EXCLUSIVE: no reads or writes until it finishes.`,
        suggestion: `-- reclaim space online instead, outside migrations:\n-- pg_repack --table=${effect.relation} (or pg_squeeze); plain VACUUM for routine cleanup`,
      },
    ];
  },
};
