/** The rollback's printable summary and its changelog entry (Markdown, for a PR comment or step summary). */

import type { BackupRecord, PitrMarker } from '../deploy/types';
import type { RollbackOutcome, RollbackTarget } from './types';
import { formatMs } from '../util/format';

export interface ResultFacts {
  outcome: RollbackOutcome;
  rollbackId: string;
  actor: string;
  target: string;
  /** The --force reason, when forced. */
  reason: string | null;
  durationMs: number;
  targets: RollbackTarget[];
  backup: BackupRecord | null;
  pitr: PitrMarker | null;
  refusal: string | null;
}

const HEADLINES: Record<RollbackOutcome, string> = {
  'rolled-back': 'rolled back',
  preview: 'preview (dry run, nothing changed)',
  'nothing-to-roll-back': 'nothing to roll back',
  refused: 'REFUSED, nothing changed',
  'lock-timeout': 'not started: the deploy lock is held',
  failed: 'FAILED',
};

export function formatResult(f: ResultFacts): { summary: string; changelog: string } {
  const lines = [`rollback ${f.rollbackId} of ${f.target} by ${f.actor}: ${HEADLINES[f.outcome]} (${formatMs(f.durationMs)})`];
  for (const t of f.targets) {
    const name = t.description ? `${t.version} ${t.description}` : t.version;
    lines.push(`  ${name}: ${t.status}${t.durationMs !== null ? ` in ${formatMs(t.durationMs)}` : ''} — ${scriptLabel(t)}`);
    for (const note of t.irreversible) lines.push(`    irreversible: ${note}`);
    if (t.error) lines.push(`    error: ${t.error}`);
    if (f.outcome === 'preview' && t.script) lines.push(...t.script.trimEnd().split('\n').map((l) => `    | ${l}`));
  }
  if (f.refusal) lines.push(`refused: ${f.refusal}`);
  if (f.reason) lines.push(`forced: ${f.reason}`);
  if (f.backup) lines.push(`backup before rollback: ${f.backup.location} (sha256 ${f.backup.sha256})`);
  if (f.pitr) lines.push(`PITR marker before rollback: LSN ${f.pitr.lsn} at ${f.pitr.time}`);
  return { summary: lines.join('\n'), changelog: changelog(f) };
}

function scriptLabel(t: RollbackTarget): string {
  if (t.scriptSource === 'stored') return 'stored rollback script';
  if (t.scriptSource === 'file') return 'script made from the unchanged migration file';
  return 'no rollback script';
}

function changelog(f: ResultFacts): string {
  const done = f.targets.filter((t) => t.status === 'rolled-back');
  const lines = [`### Rollback ${f.rollbackId}: ${HEADLINES[f.outcome]}`, '', `- by ${f.actor} on ${f.target}`];
  if (f.targets.length > 0) {
    const verb = f.outcome === 'rolled-back' ? 'Rolled back' : f.outcome === 'preview' ? 'Would roll back' : 'Selected';
    lines.push(`- ${verb}: ${f.targets.map((t) => `\`${t.version}\`${t.status === 'rolled-back' || f.outcome === 'preview' ? '' : ` (${t.status})`}`).join(', ')}`);
  }
  if (f.outcome === 'failed' && done.length > 0) lines.push(`- Rolled back before the failure: ${done.map((t) => `\`${t.version}\``).join(', ')}`);
  const forced = f.targets.filter((t) => t.irreversible.length > 0);
  if (f.reason && forced.length > 0) {
    lines.push(`- Forced past irreversible steps (${forced.map((t) => `\`${t.version}\``).join(', ')}): ${f.reason}`);
    lines.push('  Data those steps destroyed is only in the backup taken before their deploy.');
  }
  if (f.refusal) lines.push(`- Refused: ${f.refusal}`);
  if (f.backup) lines.push(`- Backup first: \`${f.backup.location}\``);
  if (f.pitr) lines.push(`- PITR marker: LSN \`${f.pitr.lsn}\` at ${f.pitr.time}`);
  return lines.join('\n');
}
