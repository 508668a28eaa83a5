import { NO_HITS, Rule } from './types';
import { quoteIdent } from '../../parse/quote';
import { columnsSql, sqlName } from './support';

export const rule: Rule = {
  id: 'foreign-key-not-valid',
  severity: 'warning',
  summary: 'Adding a validated foreign key to an existing table scans it while blocking writes on both tables.',
  triggers: { effects: ['add-fk', 'add-column-fk'] },
  check(s) {
    // A new table filled from existing data is validated while the existing parent is write-locked.
    const effect = s.prediction.effects.find((e) => (e.code === 'add-fk' || e.code === 'add-column-fk') && e.scan && (!s.fresh.has(e.relation) || (s.populated.has(e.relation) && e.detail && !s.fresh.has(e.detail))));
    if (!effect) return NO_HITS;
    const t = sqlName(effect.relation);
    const parent = effect.code === 'add-fk' ? effect.detail : s.prediction.effects.find((e) => e.code === 'add-column-fk-parent')?.relation;
    // Its own name, or the one PostgreSQL gives it (schema.ts constraintName).
    const name = effect.constraint ? quoteIdent(effect.constraint) : '<name>';
    return [
      {
        message: `The foreign key on ${effect.relation} is validated row by row while SHARE ROW EXCLUSIVE blocks writes on ${effect.relation}${parent ? ` and ${parent}` : ''}.`,
        suggestion: `ALTER TABLE ${t} ADD CONSTRAINT ${name} FOREIGN KEY (${effect.column ? columnsSql(effect.column) : '<column>'}) REFERENCES ${parent ? sqlName(parent) : '<parent>'} NOT VALID;\n-- next migration (SHARE UPDATE EXCLUSIVE here, ROW SHARE on the parent):\nALTER TABLE ${t} VALIDATE CONSTRAINT ${name};`,
      },
    ];
  },
};
