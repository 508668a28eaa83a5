import { existingEffects, NO_HITS, Rule } from './types';
import { checkColumnIn, constraintNameIn, sqlName } from './support';

const CODES = ['add-check', 'add-not-null-constraint'];

export const rule: Rule = {
  id: 'constraint-missing-not-valid',
  severity: 'warning',
  summary: 'Adding a CHECK (or PostgreSQL 18 NOT NULL) constraint without NOT VALID scans the table under ACCESS EXCLUSIVE.',
  triggers: { effects: CODES },
  check(s) {
    const effect = existingEffects(s, CODES).find((e) => e.scan);
    if (!effect) return NO_HITS;
    const t = sqlName(effect.relation);
    let sql = s.parsed.sql.trim();
    // VALIDATE needs the constraint's name: the statement's own, or, for an unnamed CHECK, the one
    // PostgreSQL would choose (<table>_<first column>_check), written into the statement.
    let name = constraintNameIn(s, ['CONSTR_CHECK', 'CONSTR_NOTNULL']);
    if (!name && /\bADD\s+CHECK\b/i.test(sql)) {
      const column = checkColumnIn(s);
      name = `${t.split('.').pop()}${column ? `_${column}` : ''}_check`;
      sql = sql.replace(/\bADD\s+CHECK\b/i, `ADD CONSTRAINT ${name} CHECK`);
    }
    const notValid = /\bNOT\s+VALID\b/i.test(sql) ? sql : `${sql} NOT VALID`;
    return [
      {
        message: `The constraint on ${effect.relation} is checked against every row while ACCESS EXCLUSIVE blocks reads and writes.`,
        suggestion: `${notValid};\n-- next migration (SHARE UPDATE EXCLUSIVE, reads and writes continue):\nALTER TABLE ${t} VALIDATE CONSTRAINT ${name ?? '<constraint_name>'};`,
      },
    ];
  },
};
