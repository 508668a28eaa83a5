import { existingEffects, NO_HITS, Rule } from './types';
import { quoteIdent } from '../../parse/quote';
import { bareName, sqlName } from './support';

const CODES = ['set-not-null-scan'];

export const rule: Rule = {
  id: 'set-not-null-scan',
  severity: 'warning',
  summary: 'SET NOT NULL on an existing column scans the whole table under ACCESS EXCLUSIVE unless a valid CHECK already proves it.',
  triggers: { effects: CODES },
  check(s, m) {
    const effect = existingEffects(s, CODES)[0];
    if (!effect) return NO_HITS;
    const t = sqlName(effect.relation);
    const c = quoteIdent(effect.column ?? 'col');
    const check = quoteIdent(`${effect.column ?? 'col'}_not_null`);
    let suggestion: string;
    if (m.pgVersion >= 18) {
      // The constraint stays: it gets the name SET NOT NULL would have given it (table_column_not_null).
      const notNull = quoteIdent(`${bareName(effect.relation)}_${effect.column ?? 'col'}_not_null`);
      suggestion = `ALTER TABLE ${t} ADD CONSTRAINT ${notNull} NOT NULL ${c} NOT VALID;\n-- next migration (SHARE UPDATE EXCLUSIVE, reads and writes continue):\nALTER TABLE ${t} VALIDATE CONSTRAINT ${notNull};`;
    } else if (m.pgVersion >= 12) {
      suggestion = `ALTER TABLE ${t} ADD CONSTRAINT ${check} CHECK (${c} IS NOT NULL) NOT VALID;\n-- next migration:\nALTER TABLE ${t} VALIDATE CONSTRAINT ${check};\n-- then (no scan, PostgreSQL 12+):\nALTER TABLE ${t} ALTER COLUMN ${c} SET NOT NULL;\nALTER TABLE ${t} DROP CONSTRAINT ${check};`;
    } else {
      suggestion = `-- before PostgreSQL 12 SET NOT NULL always scans; enforce with a validated CHECK instead:\nALTER TABLE ${t} ADD CONSTRAINT ${check} CHECK (${c} IS NOT NULL) NOT VALID;\nALTER TABLE ${t} VALIDATE CONSTRAINT ${check};`;
    }
    return [{ message: `SET NOT NULL on ${effect.relation}.${effect.column ?? 'col'} reads every row under ACCESS EXCLUSIVE (blocks reads and writes for the scan).`, suggestion }];
  },
};
