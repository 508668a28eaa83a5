import { existingEffects, Rule } from './types';
import { sqlName } from './support';

export const rule: Rule = {
  id: 'constraint-missing-not-valid',
  severity: 'warning',
  summary: 'Adding a CHECK (or PostgreSQL 18 NOT NULL) constraint without NOT VALID scans the table under ACCESS EXCLUSIVE.',
  check(s) {
    const effect = existingEffects(s, ['add-check', 'add-not-null-constraint']).find((e) => e.scan);
    if (!effect) return [];
    const t = sqlName(effect.relation);
    const sql = s.parsed.sql.trim();
    const notValid = /\bNOT\s+VALID\b/i.test(sql) ? sql : `${sql} NOT VALID`;
    return [
      {
        message: `The constraint on ${effect.relation} is checked against every row while ACCESS EXCLUSIVE blocks reads and writes.`,
        suggestion: `${notValid};\n-- next migration (SHARE UPDATE EXCLUSIVE, reads and writes continue):\nALTER TABLE ${t} VALIDATE CONSTRAINT <constraint_name>;`,
      },
    ];
  },
};
