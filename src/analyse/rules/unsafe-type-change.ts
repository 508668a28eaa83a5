import { existingEffects, NO_HITS, Rule } from './types';
import { quoteIdent } from '../../parse/quote';
import { columnTypeIn, sqlName } from './support';

const CODES = ['alter-type-rewrite', 'alter-type-no-rewrite'];

export const rule: Rule = {
  id: 'unsafe-type-change',
  severity: 'error',
  summary: 'ALTER COLUMN … TYPE that is not binary-coercible rewrites the table and every index under ACCESS EXCLUSIVE.',
  triggers: { effects: CODES },
  check(s) {
    const hits = existingEffects(s, CODES).filter((e) => e.rewrite);
    const effect = hits[0];
    if (!effect) return NO_HITS;
    const tracedTable = s.rewrites.some((r) => r.relation === effect.relation && r.kind === 'table');
    if (s.traced && !tracedTable && effect.rewrite === 'table') return NO_HITS;
    const t = sqlName(effect.relation);
    const c = effect.column ?? 'col';
    const [col, added] = [quoteIdent(c), quoteIdent(`${c}_new`)];
    const what = effect.rewrite === 'table' ? 'rewrites the table and all its indexes' : 'rebuilds the indexes on the column';
    return [
      {
        message: `Changing the type of ${effect.relation}.${c} ${what} under ACCESS EXCLUSIVE (blocks reads and writes): ${effect.detail}.`,
        suggestion: `-- expand and contract instead of an in-place change:\nALTER TABLE ${t} ADD COLUMN ${added} ${columnTypeIn(s, c) ?? '<new type>'};\n-- trigger keeping ${added} = ${col} for new writes, then backfill in batches:\nUPDATE ${t} SET ${added} = ${col} WHERE id BETWEEN :from AND :to;\n-- switch the application to ${added}, then drop ${col} and rename ${added}`,
      },
    ];
  },
};
