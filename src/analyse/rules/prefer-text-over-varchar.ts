import { definedColumns } from './columns';
import { quoteIdent } from '../../parse/quote';
import { NO_HITS, Rule } from './types';

export const rule: Rule = {
  id: 'prefer-text-over-varchar',
  severity: 'info',
  summary: 'varchar(n) makes every future length change an ACCESS EXCLUSIVE ALTER (shrinking rewrites); text with a CHECK is changed online.',
  triggers: { kinds: ['CreateStmt', 'AlterTableStmt'] },
  check(s) {
    const cols = definedColumns(s.parsed.ast).filter((c) => c.type === 'varchar' && c.typmods.length > 0);
    if (cols.length === 0) return NO_HITS;
    return [
      {
        message: `${cols.map((c) => `${c.column} varchar(${c.typmods[0]})`).join(', ')} on ${cols[0].table}: changing the limit later needs ACCESS EXCLUSIVE, and lowering it rewrites the table.`,
        suggestion: cols.map((c) => `${quoteIdent(c.column)} text CONSTRAINT ${quoteIdent(`${c.column}_length`)} CHECK (char_length(${quoteIdent(c.column)}) <= ${c.typmods[0]})`).join('\n'),
      },
    ];
  },
};
