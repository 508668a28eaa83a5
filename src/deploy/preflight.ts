/**
 * Pre-flight lines that come from comparing the files with the history: pending migrations,
 * edited applied ones (refused, naming the file), unresolved failures, and a database another
 * runner migrated that has not been adopted yet.
 */
import type { ClientBase } from 'pg';

import { relationsOfMigration } from '../apply/relations';
import { invalidIndexes } from '../apply/statements';
import type { ParsedMigration } from '../engine/types';
import { detectForeignTools } from './foreign-history';
import { describeHolder, LockAttempt } from './lock';
import type { DeployPlan } from './plan';
import type { ForeignTool, HistoryRow, PreflightLine } from './types';
import { formatMs } from '../util/format';

export function lockLine(attempt: LockAttempt, waitLimitMs: number): PreflightLine {
  if (!attempt.acquired) {
    return {
      check: 'deploy lock',
      status: 'fail',
      message: `another deploy is running: ${describeHolder(attempt.holder)}; gave up after ${formatMs(attempt.waitedMs)} (limit ${formatMs(waitLimitMs)})`,
      fix: 'let it finish (drydock status shows the holder), or raise the lock wait limit',
    };
  }
  if (attempt.waitedFor) {
    return { check: 'deploy lock', status: 'pass', message: `acquired after waiting ${formatMs(attempt.waitedMs)} for ${describeHolder(attempt.waitedFor)}` };
  }
  return { check: 'deploy lock', status: 'pass', message: 'no deploy already running; lock acquired' };
}

export function pendingLine(plan: DeployPlan): PreflightLine {
  const n = plan.pending.length;
  const names = plan.pending.slice(0, 5).map((pm) => pm.migration.id).join(', ') + (n > 5 ? `, … (${n - 5} more)` : '');
  if (plan.outOfOrder.length > 0) {
    return {
      check: 'pending migrations',
      status: 'warn',
      message: `${n} pending (${names}); ${plan.outOfOrder.join(', ')} sort(s) before migrations already applied and will run after them`,
      fix: 'check that they do not depend on being applied earlier',
    };
  }
  return { check: 'pending migrations', status: 'pass', message: n === 0 ? `up to date (${plan.appliedCount} applied)` : `${n} pending: ${names}` };
}

export function checksumLine(plan: DeployPlan): PreflightLine {
  if (plan.edited.length > 0) {
    const files = plan.edited.map((e) => `${e.path} (version ${e.version})`).join(', ');
    return {
      check: 'checksums',
      status: 'fail',
      message: `applied migration(s) edited since they ran: ${files}`,
      fix: 'restore the applied file(s) to their applied content and put the change in a new migration',
    };
  }
  if (plan.missingFiles.length > 0) {
    return {
      check: 'checksums',
      status: 'warn',
      message: `${plan.appliedCount} applied unchanged; applied version(s) without a file: ${plan.missingFiles.slice(0, 5).join(', ')}`,
      fix: 'restore deleted migration files (or check the migration directory)',
    };
  }
  return { check: 'checksums', status: 'pass', message: `${plan.appliedCount} applied migration(s) unchanged` };
}

export function failuresLine(plan: DeployPlan): PreflightLine {
  if (plan.blocking.length === 0) return { check: 'failed migrations', status: 'pass', message: 'none waiting for resolve' };
  const row = plan.blocking[0];
  return {
    check: 'failed migrations',
    status: 'fail',
    message: `${describeBlocking(row)}${plan.blocking.length > 1 ? ` (and ${plan.blocking.length - 1} more)` : ''}`,
    fix: `${row.cleanup ? `clean up: ${row.cleanup.replace(/\n/g, ' ')}; then ` : ''}run \`drydock resolve --version ${row.version} --applied|--rolled-back\``,
  };
}

/**
 * A killed deploy never wrote the cleanup of the non-transactional migration it interrupted: name
 * what such a run leaves behind — INVALID indexes (an interrupted CREATE INDEX CONCURRENTLY) on the
 * tables the migration names — so the failed-migrations line says exactly what to drop.
 */
export async function nameInterruptedCleanup(client: ClientBase, plan: DeployPlan, migrations: ParsedMigration[]): Promise<void> {
  for (const row of plan.blocking) {
    if (row.status !== 'running' || row.cleanup) continue;
    const file = migrations.find((m) => m.migration.id === row.version);
    if (!file) continue;
    const left = await invalidIndexes(client, relationsOfMigration(file));
    if (left.length) row.cleanup = left.map((name) => `DROP INDEX CONCURRENTLY IF EXISTS ${name}; -- INVALID, left by the interrupted run`).join('\n');
  }
}

export function describeBlocking(row: HistoryRow): string {
  if (row.status === 'running') return `${row.version} was interrupted while applying (deploy ${row.deployId ?? '?'}, ${row.appliedAt})`;
  return `${row.version} failed partway: ${row.error ?? 'unknown error'}`;
}

/** Empty drydock history but another runner's table with rows: applying everything would re-run history. */
export async function adoptionLine(client: ClientBase, history: HistoryRow[]): Promise<PreflightLine | null> {
  if (history.length > 0) return null;
  const tools: ForeignTool[] = await detectForeignTools(client);
  if (tools.length === 0) return null;
  return {
    check: 'adoption',
    status: 'fail',
    message: `this database was migrated by ${tools.join(', ')} and drydock has no history yet`,
    fix: `run \`drydock import-history --from ${tools[0]}\` (or \`drydock baseline --to VERSION\`) first, so nothing is re-run`,
  };
}
