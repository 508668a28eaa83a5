/**
 * The migration guide: what to have ready before running the PR's migrations in production, the
 * steps in order, and how to roll back (down scripts or generated rollbacks, each proven by a round trip).
 */
import type { Migration, Report } from '../types';
import { code, inline } from './escape';
import { formatRange, lockImpact, lockRank, migrationDuration, rewrittenRelations, worstLock } from './facts';
import { newMigrations } from './findings';
import { formatMs } from '../../util/format';

/** A lock that blocks writes held longer than this calls for a maintenance window. */
const MAINTENANCE_THRESHOLD_MS = 5000;

export function migrationGuide(report: Report, options: { brief: boolean }): string {
  const migrations = newMigrations(report);
  if (migrations.length === 0) return '';
  const lines = ['### Migration guide', '', '**Before you start**', ...prerequisites(report, migrations).map((p) => `- ${p}`)];
  if (options.brief) return lines.join('\n');
  lines.push('', '**Steps**', ...migrations.map((m, i) => `${i + 1}. ${step(m)}`));
  lines.push('', '**Rollback plan** (newest first)', ...rollback(migrations).map((r, i) => `${i + 1}. ${r}`));
  return lines.join('\n');
}

function prerequisites(report: Report, migrations: Migration[]): string[] {
  const out: string[] = [];
  out.push(
    report.server
      ? `PostgreSQL: dry-run on ${code(report.server.version)} (${report.server.provider}); production should run the same major version.`
      : 'PostgreSQL: not executed (static check); locks are predicted for the configured version.',
  );
  const rewritten = [...new Set(migrations.flatMap(rewrittenRelations))];
  out.push(
    rewritten.length
      ? `Free disk: ${rewritten.map((r) => code(r)).join(', ')} ${rewritten.length === 1 ? 'is' : 'are'} rewritten; keep free space for a full copy of each table and its indexes (plus the WAL it generates) until the migration commits.`
      : 'Free disk: no table or index is rewritten.',
  );
  out.push(maintenanceWindow(report, migrations));
  return out;
}

function maintenanceWindow(report: Report, migrations: Migration[]): string {
  const blocking = migrations
    .map(worstLock)
    .filter((l) => l !== null && lockRank(l.mode) >= lockRank('ShareLock'));
  if (blocking.length === 0) return 'Maintenance window: not needed; no lock blocks writes to an existing table.';
  const timed = blocking.filter((l) => l!.holdMs !== null && l!.holdBasis === 'estimate');
  const long = timed.filter((l) => l!.holdMs! > MAINTENANCE_THRESHOLD_MS);
  if (long.length) {
    const total = long.reduce((a, l) => a + l!.holdMs!, 0);
    const names = long.map((l) => `${code(l!.relation)} (${formatMs(l!.holdMs!)}, ${lockImpact(l!.mode)})`).join(', ');
    return `Maintenance window: **plan ~${formatMs(total)}** — ${names}.`;
  }
  if (timed.length === blocking.length) {
    return `Maintenance window: not needed; write-blocking locks are held under ${formatMs(MAINTENANCE_THRESHOLD_MS)} at production size. Set \`lock_timeout\` so a queued lock cannot stall traffic.`;
  }
  return report.mode === 'static'
    ? 'Maintenance window: unknown; locks that block writes are predicted but not timed. Run the dry run with a statistics snapshot (`stats-file`) for hold times.'
    : 'Maintenance window: unknown; hold times were measured on CI data only. Provide a statistics snapshot (`stats-file`) for production estimates.';
}

function step(m: Migration): string {
  const duration = migrationDuration(m);
  const parts = [`Apply ${code(m.path)}`, m.transactional ? 'in one transaction' : 'statement by statement, without a wrapping transaction'];
  if (duration) parts.push(formatRange(duration));
  const concurrent = m.statements.filter((s) => s.nonTransactional);
  if (concurrent.length) {
    parts.push(
      `${concurrent.length} statement${concurrent.length === 1 ? '' : 's'} cannot run in a transaction: if one fails, drop any INVALID index it left before retrying`,
    );
  }
  const lock = worstLock(m);
  if (lock && lockRank(lock.mode) >= lockRank('ShareLock')) parts.push(`takes ${code(lock.mode)} on ${code(lock.relation)}: run with a short \`lock_timeout\` and retry`);
  return parts.join(' — ');
}

function rollback(migrations: Migration[]): string[] {
  return [...migrations].reverse().map((m) => {
    const trip = m.roundTrip;
    const verified =
      !trip || trip.status === 'skipped'
        ? 'not verified'
        : trip.status === 'ok'
          ? 'verified: up → down → up restores the schema'
          : trip.status === 'differs'
            ? `**does not restore the schema** (${trip.diff.length} difference${trip.diff.length === 1 ? '' : 's'})`
            : '**failed in the dry run**';
    const plan = m.rollback;
    if (!plan) {
      if (!m.downPath) return `${code(m.path)}: no down script; revert by hand or restore the pre-deploy backup.`;
      return `Run ${code(m.downPath)} (${verified}).`;
    }
    const irreversible = plan.irreversible.length
      ? ` Irreversible, restore from the pre-deploy backup: ${plan.irreversible.map((step) => inline(step)).join('; ')}.`
      : '';
    if (plan.source === 'none') return `${code(m.path)}: no way back was generated; restore the pre-deploy backup.${irreversible}`;
    const what = plan.source === 'down-script' && m.downPath ? `Run ${code(m.downPath)}` : `Run the generated rollback of ${code(m.path)} (stored with the deploy; \`drydock rollback\`)`;
    return `${what} (${verified}).${irreversible}`;
  });
}
