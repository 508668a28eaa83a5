import { existingEffects, NO_HITS, Rule } from './types';
import { quoteIdent } from '../../parse/quote';
import { sibling, sqlName } from './support';

const CODES = ['rename-table', 'rename-view'];

export const rule: Rule = {
  id: 'rename-table',
  severity: 'warning',
  summary: 'Renaming a table or view breaks application code that still uses the old name.',
  triggers: { effects: CODES },
  check(s) {
    const effect = existingEffects(s, CODES)[0];
    if (!effect) return NO_HITS;
    const old = sqlName(effect.relation);
    const renamed = sqlName(sibling(effect.relation, effect.detail!));
    return [
      {
        message: `Renaming ${effect.relation} to ${effect.detail} breaks every running query that names ${old} until all application instances are updated.`,
        suggestion: `BEGIN;\nALTER TABLE ${old} RENAME TO ${quoteIdent(effect.detail!)};\nCREATE VIEW ${old} AS SELECT * FROM ${renamed}; -- old name keeps working (simple views are updatable)\nCOMMIT;\n-- after every instance uses ${renamed}: DROP VIEW ${old};`,
      },
    ];
  },
};
