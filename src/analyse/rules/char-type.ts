import { definedColumns } from './columns';
import { quoteIdent } from '../../parse/quote';
import { NO_HITS, Rule } from './types';

export const rule: Rule = {
  id: 'char-type',
  severity: 'info',
  summary: 'char(n) pads with spaces and compares surprisingly; it is never faster than text.',
  triggers: { kinds: ['CreateStmt', 'AlterTableStmt'] },
  check(s) {
    const cols = definedColumns(s.parsed.ast).filter((c) => c.type === 'bpchar');
    if (cols.length === 0) return NO_HITS;
    return [
      {
        message: `${cols.map((c) => c.column).join(', ')} on ${cols[0].table} is char(n): values are blank-padded and trailing spaces are ignored in comparisons.`,
        suggestion: cols.map((c) => `${quoteIdent(c.column)} text${c.typmods[0] ? ` CHECK (char_length(${quoteIdent(c.column)}) = ${c.typmods[0]})` : ''}`).join('\n'),
      },
    ];
  },
};
