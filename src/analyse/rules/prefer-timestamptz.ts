import { definedColumns } from './columns';
import { quoteIdent } from '../../parse/quote';
import { NO_HITS, Rule } from './types';

export const rule: Rule = {
  id: 'prefer-timestamptz',
  severity: 'info',
  summary: 'timestamp without time zone stores wall-clock time with no zone, which is ambiguous across servers and DST.',
  triggers: { kinds: ['CreateStmt', 'AlterTableStmt'] },
  check(s) {
    const cols = definedColumns(s.parsed.ast).filter((c) => c.type === 'timestamp');
    if (cols.length === 0) return NO_HITS;
    return [
      {
        message: `${cols.map((c) => c.column).join(', ')} on ${cols[0].table} is timestamp without time zone: the stored instant depends on each client's TimeZone.`,
        suggestion: cols.map((c) => `${quoteIdent(c.column)} timestamptz`).join('\n'),
      },
    ];
  },
};
