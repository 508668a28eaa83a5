import { names, unwrap } from '../ast';
import { quoteIdent, quoteLiteral, quoteNames } from '../../parse/quote';
import { sqlName } from './support';
import { NO_HITS, Rule } from './types';

export const rule: Rule = {
  id: 'enum-rename-value',
  severity: 'warning',
  summary: 'Renaming an enum value breaks running code that still sends the old value.',
  triggers: { kinds: ['AlterEnumStmt'] },
  check(s, m) {
    const alter = unwrap(s.parsed.ast, 'AlterEnumStmt');
    if (!alter?.oldVal) return NO_HITS;
    const typeNames = names(alter.typeName);
    const type = typeNames.join('.');
    // The columns of this type that the schema model knows (types are matched by their bare name).
    const bare = typeNames[typeNames.length - 1].toLowerCase();
    const [oldVal, newVal] = [quoteLiteral(String(alter.oldVal)), quoteLiteral(String(alter.newVal))];
    const updates: string[] = [];
    for (const table of m.schema.tables.values()) {
      for (const [column, state] of table.columns) {
        if (state.type === bare) updates.push(`UPDATE ${sqlName(table.name)} SET ${quoteIdent(column)} = ${newVal} WHERE ${quoteIdent(column)} = ${oldVal};`);
      }
    }
    if (updates.length === 0) updates.push(`UPDATE <table> SET <column> = ${newVal} WHERE <column> = ${oldVal};`);
    return [
      {
        message: `Renaming '${alter.oldVal}' to '${alter.newVal}' in ${type} makes every running INSERT/UPDATE that sends '${alter.oldVal}' fail until all instances are updated.`,
        suggestion: `ALTER TYPE ${quoteNames(typeNames)} ADD VALUE IF NOT EXISTS ${newVal};\n-- deploy code that writes '${alter.newVal}', backfill rows in batches:\n${updates.join('\n')}`,
      },
    ];
  },
};
