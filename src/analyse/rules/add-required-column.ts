import { existingEffects, NO_HITS, Rule } from './types';
import { quoteIdent } from '../../parse/quote';
import { columnTypeIn, sqlName } from './support';

const CODES = ['add-column-not-null'];

export const rule: Rule = {
  id: 'add-required-column',
  severity: 'error',
  summary: 'ADD COLUMN … NOT NULL without a default fails on a table with rows, and breaks running code that inserts without it.',
  triggers: { effects: CODES },
  check(s) {
    const effect = existingEffects(s, CODES)[0];
    if (!effect) return NO_HITS;
    const t = sqlName(effect.relation);
    const c = effect.column ?? 'col';
    return [
      {
        message: `Adding NOT NULL column ${c} without a default to ${effect.relation} fails if the table has rows, and INSERTs from code that does not know ${c} fail afterwards.`,
        suggestion: `ALTER TABLE ${t} ADD COLUMN ${quoteIdent(c)} ${columnTypeIn(s, c) ?? '<type>'} NOT NULL DEFAULT <constant>; -- PostgreSQL 11+: no rewrite\n-- or add it nullable, backfill in batches, then enforce NOT NULL via a validated CHECK`,
      },
    ];
  },
};
