import { names, unwrap } from '../ast';
import { NO_HITS, Rule } from './types';

export const rule: Rule = {
  id: 'enum-rename-value',
  severity: 'warning',
  summary: 'Renaming an enum value breaks running code that still sends the old value.',
  triggers: { kinds: ['AlterEnumStmt'] },
  check(s) {
    const alter = unwrap(s.parsed.ast, 'AlterEnumStmt');
    if (!alter?.oldVal) return NO_HITS;
    const type = names(alter.typeName).join('.');
    return [
      {
        message: `Renaming '${alter.oldVal}' to '${alter.newVal}' in ${type} makes every running INSERT/UPDATE that sends '${alter.oldVal}' fail until all instances are updated.`,
        suggestion: `ALTER TYPE ${type} ADD VALUE IF NOT EXISTS '${alter.newVal}';\n-- deploy code that writes '${alter.newVal}', backfill rows in batches:\nUPDATE <table> SET <column> = '${alter.newVal}' WHERE <column> = '${alter.oldVal}';`,
      },
    ];
  },
};
