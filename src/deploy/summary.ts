/** The printable deploy report: pre-flight lines, backup and PITR marker, one block per migration, verify. */

import { describeApplyError } from '../apply/errors';
import type { MigrationApplyResult } from '../apply/types';
import type { VerifyResult } from '../verify/types';
import type { BackupRecord, DeployOutcome, PitrMarker, PreflightLine } from './types';
import { formatBytes, formatMs } from '../util/format';

export function formatPreflight(line: PreflightLine): string {
  const head = `${line.status.padEnd(4)}  ${line.check.padEnd(18)} ${line.message}`;
  return line.fix && line.status !== 'pass' ? `${head}\n${' '.repeat(25)}fix: ${line.fix}` : head;
}

export function formatMigration(r: MigrationApplyResult): string[] {
  const head =
    r.status === 'applied'
      ? `applied  ${r.version} ${r.description} (${r.mode}, ${formatMs(r.durationMs)}, WAL ${formatBytes(r.walBytes)}, ` +
        `${r.statements.length} statement(s)${r.retries ? `, ${r.retries} retr${r.retries === 1 ? 'y' : 'ies'}` : ''})`
      : `${r.status.padEnd(7)}  ${r.version} ${r.description} (${r.mode}, ${formatMs(r.durationMs)})`;
  const lines = [head.replace(/ {2,}\(/, ' (')];
  const slowest = [...r.statements].sort((a, b) => b.durationMs - a.durationMs).slice(0, 3);
  if (r.statements.length > 1) {
    lines.push(`    slowest: ${slowest.map((s) => `line ${s.line} ${s.kind} ${formatMs(s.durationMs)}`).join('; ')}`);
  }
  for (const size of r.sizes) {
    if (size.beforeBytes === size.afterBytes && size.beforeBytes === null) continue;
    lines.push(`    ${size.relation}: ${formatBytes(size.beforeBytes)} → ${formatBytes(size.afterBytes)}`);
  }
  if (r.error) lines.push(`    error: ${describeApplyError(r.error)}`);
  if (r.error && r.error.committedStatements > 0) lines.push(`    ${r.error.committedStatements} statement(s) committed before the failure`);
  for (const cleanup of r.cleanup) lines.push(`    cleanup: ${cleanup}`);
  if (r.status === 'failed' && (r.mode !== 'transaction' && (r.cleanup.length > 0 || (r.error?.committedStatements ?? 0) > 0))) {
    lines.push(`    later deploys refuse until \`drydock resolve --version ${r.version} --applied|--rolled-back\``);
  } else if (r.status === 'failed') {
    lines.push('    rolled back: nothing of it remains; the next deploy retries it');
  }
  return lines;
}

export interface SummaryInput {
  outcome: DeployOutcome;
  deployId: string;
  target: string;
  actor: string;
  durationMs: number;
  preflight: PreflightLine[];
  backup: BackupRecord | null;
  backupSkipped: boolean;
  pitr: PitrMarker | null;
  migrations: MigrationApplyResult[];
  verify: VerifyResult | null;
}

const OUTCOME_TEXT: Record<DeployOutcome, string> = {
  applied: 'applied',
  'up-to-date': 'up to date, nothing to apply',
  refused: 'refused by pre-flight checks, nothing applied',
  'lock-timeout': 'another deploy is running, nothing applied',
  failed: 'FAILED',
  'verify-failed': 'applied, but verification FAILED',
};

export function buildSummary(s: SummaryInput): string {
  const applied = s.migrations.filter((m) => m.status === 'applied').length;
  const lines = [
    `drydock deploy ${s.deployId} to ${s.target} by ${s.actor}: ${OUTCOME_TEXT[s.outcome]}` +
      `${applied ? ` (${applied} migration(s))` : ''} in ${formatMs(s.durationMs)}`,
    'pre-flight:',
    ...s.preflight.map((line) => '  ' + formatPreflight(line).replace(/\n/g, '\n  ')),
  ];
  if (s.backup) lines.push(`backup: ${s.backup.location} (${formatBytes(s.backup.bytes)}, sha256 ${s.backup.sha256.slice(0, 12)}…)`);
  else if (s.backupSkipped && s.migrations.length > 0) lines.push('backup: none (deployed without a backup, as requested)');
  if (s.pitr) lines.push(`PITR marker: LSN ${s.pitr.lsn} at ${s.pitr.time}`);
  if (s.migrations.length > 0) {
    lines.push('migrations:');
    for (const m of s.migrations) lines.push(...formatMigration(m).map((l) => '  ' + l));
  }
  if (s.verify) {
    lines.push(`verify: ${s.verify.ok ? 'pass' : 'FAIL'}`);
    lines.push(...s.verify.lines.map((l) => '  ' + l));
  }
  return lines.join('\n');
}
