import { existingEffects, NO_HITS, Rule } from './types';
import { quoteIdent } from '../../parse/quote';
import { sqlName } from './support';

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
    // VALIDATE needs the constraint's name: its own, or the one PostgreSQL chooses for it
    // (schema.ts constraintName), written into an unnamed CHECK so that it cannot differ.
    const name = effect.constraint ? quoteIdent(effect.constraint) : '<constraint_name>';
    const sql = s.parsed.sql.trim().replace(/\bADD\s+CHECK\b/i, `ADD CONSTRAINT ${name} CHECK`);
    const notValid = /\bNOT\s+VALID\b/i.test(sql) ? sql : `${sql} NOT VALID`;
    return [
      {
        message: `The constraint on ${effect.relation} is checked against every row while ACCESS EXCLUSIVE blocks reads and writes.`,
        suggestion: `${notValid};\n-- next migration (SHARE UPDATE EXCLUSIVE, reads and writes continue):\nALTER TABLE ${t} VALIDATE CONSTRAINT ${name};`,
      },
    ];
  },
};
