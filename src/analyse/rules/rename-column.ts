import { columnTypeSql } from '../schema';
import { existingEffects, NO_HITS, Rule } from './types';
import { quoteIdent } from '../../parse/quote';
import { sqlName } from './support';

const CODES = ['rename-column'];

export const rule: Rule = {
  id: 'rename-column',
  severity: 'warning',
  summary: 'Renaming a column breaks application code that still uses the old name while the deploy rolls out.',
  triggers: { effects: CODES },
  check(s, m) {
    const effect = existingEffects(s, CODES)[0];
    if (!effect) return NO_HITS;
    const t = sqlName(effect.relation);
    // The model holds the schema after the whole migration: the column under its new name.
    const column = m.schema.table(effect.relation)?.columns.get(effect.detail!);
    const type = (column && columnTypeSql(column)) ?? '<type>';
    return [
      {
        message: `Renaming ${effect.relation}.${effect.column} to ${effect.detail} breaks every running query that names ${effect.column} until all application instances are updated.`,
        suggestion: `-- expand and contract:\nALTER TABLE ${t} ADD COLUMN ${quoteIdent(effect.detail!)} ${type};\n-- write both columns (trigger or application), backfill in batches, switch reads to ${quoteIdent(effect.detail!)},\n-- deploy, then in a later migration:\nALTER TABLE ${t} DROP COLUMN ${quoteIdent(effect.column!)};`,
      },
    ];
  },
};
