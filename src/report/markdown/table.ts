/** One row per new migration: what it locks, for how long, what it rewrites, what was found. */
import type { Migration, Report } from '../types';
import { code, inline } from './escape';
import { formatRange, migrationDuration, rewrittenRelations, worstLock } from './facts';
import { newMigrations, type LocatedFinding } from './findings';
import { formatMs } from '../../util/format';

export function migrationRow(m: Migration, findings: LocatedFinding[], acknowledged: Set<string>): string {
  const lock = worstLock(m);
  let lockCell = '—';
  if (lock) {
    const hold = lock.holdMs !== null ? ` · ${lock.holdBasis === 'estimate' ? '~' : ''}${formatMs(lock.holdMs)}` : '';
    lockCell = `${lock.mode.replace(/Lock$/, '')} on ${code(lock.relation, { inTable: true })}${hold}${lock.source === 'predicted' ? ' (predicted)' : ''}`;
  }
  const rewrites = rewrittenRelations(m);
  const rewriteCell = rewrites.length ? rewrites.map((r) => code(r, { inTable: true })).join(', ') : '—';
  const duration = migrationDuration(m);
  return `| ${code(m.path, { inTable: true })} | ${m.statements.length} | ${lockCell} | ${rewriteCell} | ${duration ? formatRange(duration) : '—'} | ${findingsCell(findings, acknowledged)} |`;
}

export function findingsCell(findings: LocatedFinding[], acknowledged: Set<string>): string {
  const open = findings.filter((f) => !f.finding.suppressed && !acknowledged.has(f.id));
  const count = (s: string) => open.filter((f) => f.finding.severity === s).length;
  const parts: string[] = [];
  if (count('error')) parts.push(`🛑 ${count('error')}`);
  if (count('warning')) parts.push(`⚠️ ${count('warning')}`);
  if (count('info')) parts.push(`ℹ️ ${count('info')}`);
  const acked = findings.filter((f) => acknowledged.has(f.id)).length;
  if (acked) parts.push(`✔️ ${acked} acknowledged`);
  const suppressed = findings.filter((f) => f.finding.suppressed?.by === 'ignore').length;
  if (suppressed) parts.push(`${suppressed} ignored`);
  return parts.length ? parts.join(' · ') : '✅ none';
}

export const TABLE_HEADER = [
  '| Migration | Statements | Worst lock · held | Rewrites | Duration | Findings |',
  '| --- | ---: | --- | --- | --- | --- |',
].join('\n');

/** The table; `onlyNotable` keeps rows with findings, rewrites or a lock blocking writes (the rest are counted). */
export function migrationTable(
  report: Report,
  findingsByMigration: Map<Migration, LocatedFinding[]>,
  acknowledged: Set<string>,
  onlyNotable = false,
): string {
  const rows: string[] = [];
  let quiet = 0;
  for (const m of newMigrations(report)) {
    const findings = findingsByMigration.get(m) ?? [];
    if (onlyNotable && findings.filter((f) => !f.finding.suppressed).length === 0 && rewrittenRelations(m).length === 0) {
      quiet++;
      continue;
    }
    rows.push(migrationRow(m, findings, acknowledged));
  }
  const lines = rows.length ? [TABLE_HEADER, ...rows] : [];
  if (quiet) lines.push('', `${quiet} more migration${quiet === 1 ? '' : 's'} without findings or rewrites.`);
  return lines.join('\n');
}

export function integrityList(report: Report): string {
  if (report.integrity.length === 0) return '';
  return [
    '**Applied migrations changed:**',
    ...report.integrity.map((i) => `- ${code(i.path)} was ${i.kind}: ${inline(i.message)}`),
  ].join('\n');
}
