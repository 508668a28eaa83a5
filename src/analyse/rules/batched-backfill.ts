import { existingEffects, Rule } from './types';
import { sqlName } from './support';

export const rule: Rule = {
  id: 'batched-backfill',
  severity: 'warning',
  summary: 'UPDATE/DELETE of a whole existing table in one statement locks every row it touches until commit and writes all its WAL at once.',
  check(s) {
    // Only whole-table statements: a targeted UPDATE/DELETE (with WHERE) is usually a small data fix.
    const effect = existingEffects(s, ['update', 'delete']).find((e) => e.detail === 'every row');
    if (!effect) return [];
    const t = sqlName(effect.relation);
    return [
      {
        message: `This ${effect.code.toUpperCase()} on ${effect.relation} touches every row in one transaction: row locks block concurrent writers of those rows until commit, and dead tuples and WAL arrive in one burst.`,
        suggestion: `-- batch it outside the migration transaction, one short transaction per batch:\n${effect.code === 'update' ? 'UPDATE' : 'DELETE FROM'} ${t} ${effect.code === 'update' ? 'SET … ' : ''}WHERE id IN (SELECT id FROM ${t} WHERE <condition> LIMIT 10000);\n-- repeat until 0 rows`,
      },
    ];
  },
};
