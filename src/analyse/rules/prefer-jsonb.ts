import { definedColumns } from './columns';
import { quoteIdent } from '../../parse/quote';
import { NO_HITS, Rule } from './types';

export const rule: Rule = {
  id: 'prefer-jsonb',
  severity: 'info',
  summary: 'json has no equality operator (DISTINCT, UNION, GROUP BY fail) and is re-parsed on every access.',
  triggers: { kinds: ['CreateStmt', 'AlterTableStmt'] },
  check(s) {
    const cols = definedColumns(s.parsed.ast).filter((c) => c.type === 'json');
    if (cols.length === 0) return NO_HITS;
    return [
      {
        message: `${cols.map((c) => c.column).join(', ')} on ${cols[0].table} is json: queries using DISTINCT, UNION or GROUP BY on it fail.`,
        suggestion: cols.map((c) => `${quoteIdent(c.column)} jsonb`).join('\n'),
      },
    ];
  },
};
