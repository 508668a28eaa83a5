import { Rule, RuleHit } from './types';
import { quoteIdent } from '../../parse/quote';
import { sqlName } from './support';

const NOT_VALID = ['add-check-not-valid', 'add-fk-not-valid', 'add-not-null-not-valid'];

export const rule: Rule = {
  id: 'validate-in-same-transaction',
  severity: 'warning',
  summary: 'VALIDATE CONSTRAINT in the same transaction as its ADD … NOT VALID scans under the ACCESS EXCLUSIVE lock the ADD took.',
  checkMigration(m) {
    const hits: RuleHit[] = [];
    for (const span of m.transactions.spans) {
      if (span.openedBy === 'autocommit') continue;
      // ADD … NOT VALID in this transaction, by relation/constraint (most transactions have none).
      let added: Map<string, number> | undefined;
      for (const i of span.statements) {
        const s = m.statements[i];
        for (const e of s.prediction.effects) {
          if (NOT_VALID.includes(e.code) && e.constraint && !s.fresh.has(e.relation)) (added ??= new Map()).set(`${e.relation}/${e.constraint}`, i);
          if (e.code !== 'validate-constraint' || !e.constraint || !added) continue;
          const at = added.get(`${e.relation}/${e.constraint}`);
          if (at === undefined) continue;
          hits.push({
            statementIndex: i,
            message: `${e.constraint} is validated in the same transaction that added it (line ${m.statements[at].parsed.line}), so the full scan runs while the ADD's lock on ${e.relation} still blocks reads and writes.`,
            suggestion: `-- commit first; run in a separate migration:\nALTER TABLE ${sqlName(e.relation)} VALIDATE CONSTRAINT ${quoteIdent(e.constraint)};`,
          });
        }
      }
    }
    return hits;
  },
};
