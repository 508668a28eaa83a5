/**
 * The terminal form of a check report: one block per new migration, one line per statement with
 * what Postgres took or is predicted to take, then its findings, then a summary line.
 */

import { coveredByStrongerWindow, reviewerLocks } from './locks';
import { allFindings } from './summary';
import type { Estimate, Finding, LockWindow, Migration, Report, Severity, Statement } from './types';
import { formatBytes, formatMs } from '../util/format';

const SEVERITY_LABEL: Record<Severity, string> = { error: 'error  ', warning: 'warning', info: 'info   ' };

export function renderText(report: Report, options: { failOn: Severity | 'never'; verbose?: boolean } = { failOn: 'error' }): string {
  const out: string[] = [];
  out.push(headline(report));
  for (const issue of report.integrity) out.push(`integrity: ${issue.path}: ${issue.message}`);
  for (const migration of report.migrations) {
    if (!migration.isNew && !options.verbose) continue;
    out.push('', ...renderMigration(migration));
  }
  out.push('', summaryLine(report, options.failOn));
  return out.join('\n') + '\n';
}

function headline(report: Report): string {
  const sources = report.sources.map((s) => `${s.dir} [${s.layout}]`).join(', ');
  const where = report.server
    ? `dry run on PostgreSQL ${report.server.version} (${report.server.provider})`
    : 'static analysis (no database)';
  const { migrations, newMigrations, statements } = report.summary;
  return `drydock: ${migrations} migrations (${newMigrations} new, ${statements} statements) in ${sources}; ${where}`;
}

function renderMigration(m: Migration): string[] {
  const tx = m.transactional ? 'one transaction' : `no transaction (${m.transactionSource})`;
  const lines = [`${m.path}  [${m.id}${m.isNew ? ', new' : ''}; ${tx}]`];
  for (const f of m.findings) lines.push(...renderFinding(f, '  '));
  for (const s of m.statements) lines.push(...renderStatement(m, s));
  for (const w of (m.lockWindows ?? []).filter((w) => isLongWindow(w, m))) lines.push(`  ${describeWindow(w, m)}`);
  if (m.rollback) lines.push(`  rollback: ${m.rollback.summary}`);
  for (const step of m.rollback?.irreversible ?? []) lines.push(`    irreversible: ${step}`);
  if (m.roundTrip && m.roundTrip.status !== 'skipped') {
    lines.push(`  rollback round trip (up → rollback → same schema): ${m.roundTrip.status}${m.roundTrip.error ? ` (${m.roundTrip.error})` : ''}`);
    for (const d of m.roundTrip.diff) lines.push(`    ${d}`);
  }
  return lines;
}

function renderStatement(m: Migration, s: Statement): string[] {
  const firstLine = s.sql.split('\n')[0];
  const sql = firstLine.length > 100 ? firstLine.slice(0, 97) + '...' : firstLine + (s.sql.includes('\n') ? ' ...' : '');
  const lines = [`  ${m.path}:${s.line}:${s.column}  ${sql}`];
  const facts: string[] = [];
  const locks = reviewerLocks(s.locks);
  if (locks.length) facts.push('locks ' + locks.map((l) => `${l.mode} ${l.relation}`).join(', '));
  if (s.rewrites.length) facts.push('rewrites ' + s.rewrites.map((r) => r.relation).join(', '));
  if (s.scan && s.scan.seqScans > 0) facts.push(`scans ${s.scan.relation} (${s.scan.tuplesRead} rows read)`);
  if (s.rows) facts.push(`${s.rows} rows`);
  if (s.durationMs !== null) facts.push(formatMs(s.durationMs));
  if (s.walBytes) facts.push(`WAL ${formatBytes(s.walBytes)}`);
  if (s.estimate) facts.push(describeEstimate(s.estimate));
  if (facts.length) lines.push(`      ${facts.join(' · ')}`);
  if (s.error) lines.push(`      failed: ${s.error.message}${s.error.hint ? ` (hint: ${s.error.hint})` : ''}`);
  for (const f of s.findings) lines.push(...renderFinding(f, '      '));
  return lines;
}

/** Production estimates carry a range; without statistics only the class adds anything to the CI timing. */
function describeEstimate(e: Estimate): string {
  if (e.lowMs === e.highMs) return e.class;
  return `est. ${formatMs(e.ms)} in production (${formatMs(e.lowMs)}–${formatMs(e.highMs)}, ${e.class})`;
}

function renderFinding(f: Finding, indent: string): string[] {
  const state = f.suppressed ? ` (suppressed by ${f.suppressed.by}: ${f.suppressed.reason})` : '';
  const lines = [`${indent}${SEVERITY_LABEL[f.severity]} ${f.rule}: ${f.message}${state}`];
  if (f.suggestion && !f.suppressed) {
    const [first, ...rest] = f.suggestion.split('\n');
    lines.push(`${indent}        fix: ${first}`, ...rest.map((r) => `${indent}             ${r}`));
  }
  return lines;
}

/**
 * Windows worth a line: held across later statements, on something other sessions can see, and
 * not already covered by a stronger lock on the same relation held at least as long.
 */
function isLongWindow(w: LockWindow, m: Migration): boolean {
  if (w.heldDuring.length === 0 || w.mode === 'AccessShareLock' || w.mode === 'RowExclusiveLock') return false;
  const acquired = m.statements[w.acquiredAt]?.locks.find((l) => l.relation === w.relation && l.mode === w.mode);
  if (acquired?.created) return false;
  return !coveredByStrongerWindow(w, m.lockWindows ?? []);
}

function describeWindow(w: LockWindow, m: Migration): string {
  const from = m.statements[w.acquiredAt];
  const hold = w.estimatedHoldMs ?? w.holdMs;
  const until = w.releasedAt === null ? 'the end of the migration' : `line ${m.statements[w.releasedAt]?.line ?? '?'}`;
  return `lock window: ${w.mode} on ${w.relation} from line ${from?.line ?? '?'} to ${until}, held across ${w.heldDuring.length} more statement(s)${hold !== null && hold !== undefined ? `, ~${formatMs(hold)}` : ''}`;
}

function summaryLine(report: Report, failOn: Severity | 'never'): string {
  const { error, warning, info } = report.summary.findings;
  const suppressed = allFindings(report.migrations).filter((f) => f.finding.suppressed).length;
  const verdict = failOn === 'never' ? 'fail level: never' : `fail level: ${failOn}`;
  return `${error} errors, ${warning} warnings, ${info} info${suppressed ? `, ${suppressed} suppressed` : ''}; ${verdict}`;
}
