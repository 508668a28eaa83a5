/** The estimates as text (CLI output and the job log), one block per migration. */
import type { Migration } from '../report/types';
import { redact } from '../util/secrets';

import type { EstimateSummary } from './types';
import { formatMs } from '../util/format';

export function renderEstimateText(migrations: Migration[], summary: EstimateSummary): string {
  const lines: string[] = [];
  if (summary.basis === 'ci-only') {
    lines.push('Durations: CI database only (no --stats): these are not production estimates.');
  } else {
    lines.push(
      `Estimates at production size (stats ${summary.statsTakenAt}; hardware φ ${summary.hardwareFactor.low}–${summary.hardwareFactor.high}; calibration ${formatMs(summary.calibrationMs)} of ${formatMs(summary.budgetMs)} budget):`,
    );
  }
  for (const total of summary.migrations) {
    const migration = migrations.find((m) => m.id === total.id && m.path === total.path);
    if (!migration) continue;
    lines.push(`  ${migration.path}: ~${formatMs(total.ms)}${summary.basis === 'production' ? ` (est. ${formatMs(total.lowMs)}–${formatMs(total.highMs)})` : ' in CI'}`);
    for (const s of migration.statements) {
      if (!s.estimate) continue;
      const range = summary.basis === 'production' ? ` (est. ${formatMs(s.estimate.lowMs)}–${formatMs(s.estimate.highMs)})` : '';
      lines.push(`    ${s.index + 1}. ${s.estimate.class}: ~${formatMs(s.estimate.ms)}${range}  ${firstLine(s.sql)}`);
      lines.push(`       basis: ${s.estimate.basis}`);
    }
    for (const w of migration.lockWindows ?? []) {
      if (w.estimatedHoldMs === null || w.estimatedHoldMs === undefined) continue;
      lines.push(`    lock ${w.mode} on ${w.relation}: held ~${formatMs(w.estimatedHoldMs)} (statements ${w.acquiredAt + 1}…${w.releasedAt === null ? 'end' : w.releasedAt + 1})`);
    }
  }
  for (const note of summary.notes) lines.push(`  note: ${note}`);
  return redact(lines.join('\n'));
}

function firstLine(sql: string): string {
  const line = sql.split('\n')[0].trim();
  return line.length > 80 ? line.slice(0, 77) + '…' : line;
}
