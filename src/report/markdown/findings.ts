/**
 * The findings of a report as one flat list, each with the id users type to acknowledge it and the
 * file position annotations point at. The comment, the check run, SARIF and the gate share it.
 */
import type { Finding, Migration, Report, Severity, Statement } from '../types';

export interface LocatedFinding {
  /** Stable id: the engine's, or rule:migration[:statement number]. */
  id: string;
  finding: Finding;
  migration: Migration;
  statement: Statement | null;
  path: string;
  line: number;
  endLine: number;
  column: number | null;
}

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

export function severityRank(s: Severity): number {
  return SEVERITY_RANK[s];
}

/** True when `severity` reaches the fail level ("never" fails nothing). */
export function meetsFailLevel(severity: Severity, failOn: Severity | 'never'): boolean {
  return failOn !== 'never' && SEVERITY_RANK[severity] >= SEVERITY_RANK[failOn];
}

/** The migrations this change adds (every migration when the report has no base). */
export function newMigrations(report: Report): Migration[] {
  return report.migrations.filter((m) => m.isNew);
}

export function findingId(finding: Finding, migration: Migration, statement: Statement | null): string {
  if (finding.id) return finding.id.replace(/\s+/g, '_');
  const parts = [finding.rule, migration.id];
  if (statement) parts.push(String(statement.index + 1));
  return parts.join(':').replace(/\s+/g, '_');
}

/** Findings of the new migrations, most severe first, then in file order. */
export function locateFindings(report: Report): LocatedFinding[] {
  const out: LocatedFinding[] = [];
  for (const migration of newMigrations(report)) {
    for (const finding of migration.findings) {
      out.push(locate(finding, migration, null));
    }
    for (const statement of migration.statements) {
      for (const finding of statement.findings) out.push(locate(finding, migration, statement));
    }
  }
  const order = new Map(out.map((f, i) => [f, i]));
  return out.sort(
    (a, b) => SEVERITY_RANK[b.finding.severity] - SEVERITY_RANK[a.finding.severity] || order.get(a)! - order.get(b)!,
  );
}

function locate(finding: Finding, migration: Migration, statement: Statement | null): LocatedFinding {
  const line = finding.line ?? statement?.line ?? 1;
  return {
    id: findingId(finding, migration, statement),
    finding,
    migration,
    statement,
    path: finding.path ?? migration.path,
    line,
    endLine: finding.line !== undefined ? finding.line : (statement?.endLine ?? line),
    column: finding.column ?? statement?.column ?? null,
  };
}
