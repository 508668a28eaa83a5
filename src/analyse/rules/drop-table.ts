import { existingEffects, NO_HITS, Rule } from './types';
import { sqlName } from './support';

const CODES = ['drop-table'];

export const rule: Rule = {
  id: 'drop-table',
  severity: 'warning',
  summary: 'Dropping a table breaks running code that uses it, and locks every table its foreign keys reference.',
  triggers: { effects: CODES },
  check(s) {
    const tables = existingEffects(s, CODES);
    if (tables.length === 0) return NO_HITS;
    const parents = existingEffects(s, ['drop-table-fk-parent']).map((e) => e.relation);
    const names = tables.map((e) => e.relation).join(', ');
    return [
      {
        message: `Dropping ${names} breaks application instances that still query it${parents.length ? `, and takes ACCESS EXCLUSIVE on the referenced ${parents.join(', ')} (blocks reads and writes) to remove the FK triggers` : ''}.`,
        suggestion: `-- 1. deploy code that no longer uses ${names}\n-- 2. then drop it in a later migration with a short lock_timeout${parents.length ? ', dropping its foreign keys first' : ''}:\nSET lock_timeout = '5s';\nDROP TABLE IF EXISTS ${tables.map((e) => sqlName(e.relation)).join(', ')};`,
      },
    ];
  },
};
