import { existingEffects, NO_HITS, Rule } from './types';
import { sqlName } from './support';

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
    const c = effect.column ?? 'col';
    let suggestion: string;
    if (m.pgVersion >= 18) {
      suggestion = `ALTER TABLE ${t} ADD CONSTRAINT ${c}_not_null NOT NULL ${c} NOT VALID;\n-- next migration (SHARE UPDATE EXCLUSIVE, reads and writes continue):\nALTER TABLE ${t} VALIDATE CONSTRAINT ${c}_not_null;`;
    } else if (m.pgVersion >= 12) {
      suggestion = `ALTER TABLE ${t} ADD CONSTRAINT ${c}_not_null CHECK (${c} IS NOT NULL) NOT VALID;\n-- next migration:\nALTER TABLE ${t} VALIDATE CONSTRAINT ${c}_not_null;\n-- then (no scan, PostgreSQL 12+):\nALTER TABLE ${t} ALTER COLUMN ${c} SET NOT NULL;\nALTER TABLE ${t} DROP CONSTRAINT ${c}_not_null;`;
    } else {
      suggestion = `-- before PostgreSQL 12 SET NOT NULL always scans; enforce with a validated CHECK instead:\nALTER TABLE ${t} ADD CONSTRAINT ${c}_not_null CHECK (${c} IS NOT NULL) NOT VALID;\nALTER TABLE ${t} VALIDATE CONSTRAINT ${c}_not_null;`;
    }
    return [{ message: `SET NOT NULL on ${effect.relation}.${c} reads every row under ACCESS EXCLUSIVE (blocks reads and writes for the scan).`, suggestion }];
  },
};
