import { names, unwrap } from '../ast';
import { quoteLiteral, quoteNames } from '../../parse/quote';
import { NO_HITS, Rule } from './types';

export const rule: Rule = {
  id: 'enum-add-value-in-transaction',
  severity: 'error',
  summary: 'Before PostgreSQL 12, ALTER TYPE … ADD VALUE cannot run inside a transaction block; from 12 the new value is unusable until commit.',
  triggers: { kinds: ['AlterEnumStmt'] },
  check(s, m) {
    const alter = unwrap(s.parsed.ast, 'AlterEnumStmt');
    if (!alter || alter.oldVal || !s.inTransactionBlock) return NO_HITS;
    const type = names(alter.typeName).join('.');
    const typeSql = quoteNames(names(alter.typeName));
    const value = String(alter.newVal);
    if (m.pgVersion < 12) {
      return [
        {
          message: `ALTER TYPE ${type} ADD VALUE '${value}' fails inside a transaction block before PostgreSQL 12 (target: ${m.pgVersion}).`,
          suggestion: `-- in its own migration that runs outside a transaction:\nALTER TYPE ${typeSql} ADD VALUE IF NOT EXISTS ${quoteLiteral(value)};`,
        },
      ];
    }
    const usedLater = m.statements.some((o) => o.index > s.index && o.span === s.span && o.parsed.sql.includes(`'${value}'`));
    if (!usedLater) return NO_HITS;
    return [
      {
        message: `'${value}' is added to ${type} and used later in the same transaction; PostgreSQL rejects using a new enum value before the transaction commits.`,
        suggestion: `-- commit between adding and using the value: move the statements that use '${value}' to a later migration`,
      },
    ];
  },
};
