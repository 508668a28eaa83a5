import { type Node, names } from '../ast';
import { existingEffects, NO_HITS, Rule } from './types';
import { quoteIdent } from '../../parse/quote';
import { columnsSql, constraintNode, sqlName } from './support';

const CODES = ['add-unique', 'add-primary-key', 'add-exclusion'];

export const rule: Rule = {
  id: 'unique-constraint-build',
  severity: 'error',
  summary: 'ADD UNIQUE / PRIMARY KEY / EXCLUDE builds its index under ACCESS EXCLUSIVE, blocking reads and writes for the build.',
  triggers: { effects: CODES },
  check(s) {
    const effect = existingEffects(s, CODES)[0];
    if (!effect) return NO_HITS;
    const t = sqlName(effect.relation);
    const cols = effect.column ? columnsSql(effect.column) : '<columns>';
    // The constraint's own name, or PostgreSQL's (table_col_key, table_pkey; schema.ts constraintName):
    // the index takes it, and USING INDEX keeps it, so code and ORMs that name the constraint find it.
    const index = effect.constraint ? quoteIdent(effect.constraint) : '<name>';
    const kind = effect.code === 'add-primary-key' ? 'PRIMARY KEY' : 'UNIQUE';
    const constraint = constraintNode(s, ['CONSTR_UNIQUE', 'CONSTR_PRIMARY'], effect.constraint);
    const suggestion =
      effect.code === 'add-exclusion'
        ? '-- exclusion constraints have no online path: build a new table and copy, or use a maintenance window'
        : `-- migration 1, outside a transaction:\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ${index} ON ${t} (${cols})${indexOptions(constraint)};\n-- migration 2 (brief ACCESS EXCLUSIVE):\nALTER TABLE ${t} ADD CONSTRAINT ${index} ${kind} USING INDEX ${index}${deferral(constraint)};`;
    return [{ message: `The ${effect.code === 'add-exclusion' ? 'exclusion' : kind} index on ${effect.relation} is built while ACCESS EXCLUSIVE blocks reads and writes.`, suggestion }];
  },
};

/** What the constraint said about its index beyond the columns: INCLUDE and NULLS NOT DISTINCT (PostgreSQL 15+). */
function indexOptions(c: Node | undefined): string {
  const including = names(c?.including);
  return `${including.length ? ` INCLUDE (${including.map(quoteIdent).join(', ')})` : ''}${c?.nulls_not_distinct ? ' NULLS NOT DISTINCT' : ''}`;
}

function deferral(c: Node | undefined): string {
  return `${c?.deferrable ? ' DEFERRABLE' : ''}${c?.initdeferred ? ' INITIALLY DEFERRED' : ''}`;
}
