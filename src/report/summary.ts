/** Counts and the worst severity of a report's findings, and the exit code they imply. */
import type { Finding, Migration, ReportSummary, Severity } from './types';
import { SEVERITIES } from './types';

export function allFindings(migrations: Migration[]): { migration: Migration; finding: Finding }[] {
  const out: { migration: Migration; finding: Finding }[] = [];
  for (const migration of migrations) {
    for (const finding of migration.findings) out.push({ migration, finding });
    for (const statement of migration.statements) {
      for (const finding of statement.findings) out.push({ migration, finding });
    }
  }
  return out;
}

export function severityRank(severity: Severity | 'none' | 'never'): number {
  if (severity === 'none') return -1;
  if (severity === 'never') return Number.POSITIVE_INFINITY;
  return SEVERITIES.indexOf(severity);
}

export function summarise(migrations: Migration[]): ReportSummary {
  const findings: Record<Severity, number> = { info: 0, warning: 0, error: 0 };
  let worst: Severity | 'none' = 'none';
  for (const { finding } of allFindings(migrations)) {
    if (finding.suppressed) continue;
    findings[finding.severity]++;
    if (severityRank(finding.severity) > severityRank(worst)) worst = finding.severity;
  }
  return {
    migrations: migrations.length,
    newMigrations: migrations.filter((m) => m.isNew).length,
    statements: migrations.reduce((n, m) => n + m.statements.length, 0),
    findings,
    worst,
  };
}

/** 1 when an unsuppressed finding is at or above the fail level, else 0. */
export function exitCodeFor(summary: ReportSummary, failOn: Severity | 'never'): number {
  return severityRank(summary.worst) >= severityRank(failOn) ? 1 : 0;
}
