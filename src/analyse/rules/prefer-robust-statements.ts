import { unwrap } from '../ast';
import { NO_HITS, Rule } from './types';

export const rule: Rule = {
  id: 'prefer-robust-statements',
  severity: 'warning',
  summary: 'Outside a transaction a failed migration stays half-applied; without IF [NOT] EXISTS it cannot simply be re-run.',
  triggers: { kinds: ['IndexStmt', 'DropStmt', 'CreateStmt'] },
  check(s) {
    if (s.inTransactionBlock) return NO_HITS;
    const ast = s.parsed.ast;
    const index = unwrap(ast, 'IndexStmt');
    const drop = unwrap(ast, 'DropStmt');
    const create = unwrap(ast, 'CreateStmt');
    let fix: string | null = null;
    if (index && !index.if_not_exists) fix = s.parsed.sql.replace(/^(CREATE\s+(UNIQUE\s+)?INDEX(\s+CONCURRENTLY)?)/i, '$1 IF NOT EXISTS');
    else if (drop && !drop.missing_ok) fix = s.parsed.sql.replace(/^(DROP\s+\w+(\s+CONCURRENTLY)?)/i, '$1 IF EXISTS');
    else if (create && !create.if_not_exists) fix = s.parsed.sql.replace(/^CREATE\s+TABLE/i, 'CREATE TABLE IF NOT EXISTS');
    if (!fix) return NO_HITS;
    const invalid = index?.concurrent ? ' A failed CREATE INDEX CONCURRENTLY also leaves an INVALID index under this name: drop it before retrying.' : '';
    return [{ message: `This statement runs outside a transaction; if the migration fails after it, re-running fails here.${invalid}`, suggestion: `${fix};` }];
  },
};
