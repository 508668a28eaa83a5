/** Findings with stable ids and file positions, attached to a statement or the migration. */
import type { ParsedMigration } from '../engine/types';
import type { Finding, Statement } from '../report/types';
import { redact } from '../util/secrets';

/** Attach a finding to a statement (or the migration), with a stable id and the file position. */
export function addFinding(pm: ParsedMigration, statementIndex: number | null, base: Pick<Finding, 'rule' | 'severity' | 'message' | 'suggestion'>): Finding {
  const { migration } = pm;
  const statement: Statement | undefined = statementIndex === null ? undefined : migration.statements[statementIndex];
  const target = statement ? statement.findings : migration.findings;
  const stem = statement ? `${base.rule}@${migration.id}#${statement.index}` : `${base.rule}@${migration.id}`;
  // Earlier findings of the same rule on the same target number this one (counted without
  // allocating: this runs for every finding).
  const dotted = `${stem}.`;
  let taken = 0;
  for (const f of target) if (f.id === stem || f.id?.startsWith(dotted)) taken++;
  const finding: Finding = {
    rule: base.rule,
    severity: base.severity,
    message: redact(base.message),
    suggestion: base.suggestion === null ? null : redact(base.suggestion),
    id: taken === 0 ? stem : `${stem}.${taken + 1}`,
    path: migration.path,
    line: statement?.line ?? 1,
    column: statement?.column ?? 1,
  };
  target.push(finding);
  return finding;
}

