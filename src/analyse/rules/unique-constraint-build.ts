import { existingEffects, NO_HITS, Rule } from './types';
import { quoteIdent } from '../../parse/quote';
import { bareName, columnsSql, sqlName } from './support';

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
    // PostgreSQL's own name for the index of a UNIQUE constraint: table_col1_col2_key.
    const index = quoteIdent(`${bareName(effect.relation)}_${(effect.column || 'col').split(/,\s*/).join('_')}_key`);
    const kind = effect.code === 'add-primary-key' ? 'PRIMARY KEY' : 'UNIQUE';
    const suggestion =
      effect.code === 'add-exclusion'
        ? '-- exclusion constraints have no online path: build a new table and copy, or use a maintenance window'
        : `-- migration 1, outside a transaction:\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ${index} ON ${t} (${cols});\n-- migration 2 (brief ACCESS EXCLUSIVE):\nALTER TABLE ${t} ADD CONSTRAINT ${index} ${kind} USING INDEX ${index};`;
    return [{ message: `The ${effect.code === 'add-exclusion' ? 'exclusion' : kind} index on ${effect.relation} is built while ACCESS EXCLUSIVE blocks reads and writes.`, suggestion }];
  },
};
