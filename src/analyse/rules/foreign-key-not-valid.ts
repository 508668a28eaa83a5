import { names, rangeVarName } from '../ast';
import { quoteIdent } from '../../parse/quote';
import { columnsSql, constraintNode, sqlName } from './support';
import { NO_HITS, Rule, StatementView } from './types';

/** ON DELETE / ON UPDATE actions other than the default NO ACTION ('a'). */
const ACTIONS: Record<string, string> = { r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };

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
        suggestion: `ALTER TABLE ${t} ADD CONSTRAINT ${name} ${foreignKeyClause(s, effect.constraint, effect.column, parent)} NOT VALID;\n-- next migration (SHARE UPDATE EXCLUSIVE here, ROW SHARE on the parent):\nALTER TABLE ${t} VALIDATE CONSTRAINT ${name};`,
      },
    ];
  },
};

/**
 * The statement's own FOREIGN KEY clause as SQL, with what it said beyond the columns kept: the
 * referenced columns, MATCH FULL, ON DELETE / ON UPDATE actions and deferral. Writing only the
 * columns and the parent dropped Prisma's ON DELETE CASCADE ON UPDATE CASCADE from the suggestion.
 */
function foreignKeyClause(s: StatementView, constraint: string | undefined, column: string | undefined, parent: string | undefined): string {
  const fk = constraintNode(s, ['CONSTR_FOREIGN'], constraint);
  const cols = names(fk?.fk_attrs);
  let sql = `FOREIGN KEY (${cols.length ? cols.map(quoteIdent).join(', ') : column ? columnsSql(column) : '<column>'})`;
  const referenced = fk ? rangeVarName(fk.pktable) : parent;
  sql += ` REFERENCES ${referenced ? sqlName(referenced) : '<parent>'}`;
  if (!fk) return sql;
  const pkCols = names(fk.pk_attrs);
  if (pkCols.length) sql += ` (${pkCols.map(quoteIdent).join(', ')})`;
  if (fk.fk_matchtype === 'f') sql += ' MATCH FULL';
  const setCols = names(fk.fk_del_set_cols);
  if (ACTIONS[fk.fk_del_action as string]) sql += ` ON DELETE ${ACTIONS[fk.fk_del_action as string]}${setCols.length ? ` (${setCols.map(quoteIdent).join(', ')})` : ''}`;
  if (ACTIONS[fk.fk_upd_action as string]) sql += ` ON UPDATE ${ACTIONS[fk.fk_upd_action as string]}`;
  if (fk.deferrable) sql += ' DEFERRABLE';
  if (fk.initdeferred) sql += ' INITIALLY DEFERRED';
  return sql;
}
