/**
 * `drydock deploy`: connect → take the deploy lock → pre-flight → verified backup (unless 'none')
 * → PITR marker → apply each pending migration safely → verify → release the lock.
 *
 * The waiting side of the lock runs nothing but short polls (no transaction), so it can never stall
 * a CREATE INDEX CONCURRENTLY in the deploy that holds the lock. Nothing is applied when any
 * pre-flight check fails or the backup is not verified.
 */
import type { Client } from 'pg';
import { applyMigration, openApplyContext, Progress } from '../apply';
import { rollbackScriptFor } from '../rollback/deploy-script';
import { toMs } from '../apply/duration';
import type { ApplySettings, MigrationApplyResult } from '../apply/types';
import { loadMigrations } from '../engine/load';
import type { ParsedMigration } from '../engine/types';
import { isDrydockError, DrydockError } from '../util/errors';
import { describeUrl, redact } from '../util/secrets';
import { verifyDeploy } from '../verify';
import type { VerifyResult } from '../verify/types';
import { assertVerifiedBackup } from './backup-step';
import { ensureHistorySchema, readHistory } from './history';
import { acquireDeployLock, recordLockHolder, releaseDeployLock } from './lock';
import { planDeploy } from './plan';
import { adoptionLine, checksumLine, failuresLine, lockLine, nameInterruptedCleanup, pendingLine } from './preflight';
import {
  connectionCheck,
  privilegesCheck,
  replicationLagCheck,
  rewriteDiskCheck,
  serverInfo,
  sessionsCheck,
  walArchivingCheck,
} from './preflight-server';
import { actorOf, DEFAULT_LOCK_WAIT_MS, newDeployId, openConnection, safeLog } from './session';
import { buildSummary, formatPreflight } from './summary';
import type { BackupRecord, DeployOptions, DeployOutcome, DeployResult, PitrMarker, PreflightLine } from './types';
import { formatMs } from '../util/format';

export function applySettings(options: DeployOptions): ApplySettings {
  return {
    lockTimeoutMs: toMs(options.lockTimeout, 2000, 'lockTimeout'),
    statementTimeoutMs: toMs(options.statementTimeout, 30 * 60_000, 'statementTimeout'),
    concurrentStatementTimeoutMs: toMs(options.concurrentStatementTimeout, 0, 'concurrentStatementTimeout'),
    retries: validRetries(options.retries),
    retryDelayMs: toMs(options.retryDelay, 1000, 'retryDelay'),
    retryMaxDelayMs: toMs(options.retryMaxDelay, 30_000, 'retryMaxDelay'),
    watchdogBoundMs: toMs(options.watchdogBound, 5000, 'watchdogBound'),
    watchdogIntervalMs: Math.max(50, toMs(options.watchdogInterval, 250, 'watchdogInterval')),
  };
}

function validRetries(retries: number | undefined): number {
  if (retries === undefined) return 5;
  if (Number.isInteger(retries) && retries >= 0) return retries;
  throw new DrydockError(`invalid retries: ${retries}`, { fix: 'use a whole number ≥ 0' });
}

export async function deploy(options: DeployOptions): Promise<DeployResult> {
  const started = Date.now();
  const log = safeLog(options);
  const settings = applySettings(options);
  const waitLimitMs = toMs(options.lockWaitLimit, DEFAULT_LOCK_WAIT_MS, 'lockWaitLimit');
  if (!options.databaseUrl) {
    throw new DrydockError('deploy needs the target database URL', { fix: 'pass --database-url (the Action input database-url), a direct connection, not a pooler' });
  }
  if (options.backup === undefined || options.backup === null) {
    throw new DrydockError('deploy needs a backup step', { fix: "configure the S3 backup, or pass backup 'none' to deploy without one" });
  }
  const actor = actorOf(options);
  const deployId = options.deployId ?? newDeployId();
  const target = describeUrl(options.databaseUrl);
  const preflight: PreflightLine[] = [];
  const results: MigrationApplyResult[] = [];
  let backup: BackupRecord | null = null;
  let pitr: PitrMarker | null = null;
  let verify: VerifyResult | null = null;
  const emit = (line: PreflightLine) => {
    const safe = { ...line, message: redact(line.message) };
    preflight.push(safe);
    log(formatPreflight(safe));
  };
  const finish = (outcome: DeployOutcome): DeployResult => {
    const durationMs = Date.now() - started;
    const summary = redact(
      buildSummary({ outcome, deployId, target, actor, durationMs, preflight, backup, backupSkipped: options.backup === 'none', pitr, migrations: results, verify }),
    );
    const exitCode = outcome === 'applied' || outcome === 'up-to-date' ? 0 : 1;
    return { outcome, exitCode, preflight, migrations: results, backup, pitr, verify, deployId, durationMs, summary };
  };

  const migrations = options.migrations ?? (await loadMigrations({ cwd: options.cwd ?? process.cwd(), dirs: options.dirs ?? [], layout: options.layout })).migrations;
  log(`deploy ${deployId} to ${target} by ${actor}`);
  const client = await openConnection(options);
  try {
    const info = await serverInfo(client);
    emit(connectionCheck(info, target));
    if (preflight.some((l) => l.status === 'fail')) return finish('refused');
    const attempt = await acquireDeployLock(client, { actor, deployId, waitLimitMs, log });
    emit(lockLine(attempt, waitLimitMs));
    if (!attempt.acquired) return finish('lock-timeout');
    try {
      await ensureHistorySchema(client);
      await recordLockHolder(client, actor, deployId);
      const history = await readHistory(client);
      const plan = planDeploy(migrations, history);
      await nameInterruptedCleanup(client, plan, migrations);
      emit(pendingLine(plan));
      emit(checksumLine(plan));
      emit(failuresLine(plan));
      const adoption = await adoptionLine(client, history);
      if (adoption) emit(adoption);
      emit(await privilegesCheck(client, plan.pending));
      emit(await sessionsCheck(client, plan.pending, toMs(options.longTransactionLimit, 60_000, 'longTransactionLimit')));
      emit(await rewriteDiskCheck(client, plan.pending, options.rewriteDiskLimitBytes));
      emit(await walArchivingCheck(client));
      emit(await replicationLagCheck(client, toMs(options.replicationLagLimit, 5 * 60_000, 'replicationLagLimit')));
      if (preflight.some((l) => l.status === 'fail')) return finish('refused');
      if (plan.pending.length === 0) return finish('up-to-date');

      if (options.backup !== 'none') {
        try {
          backup = await runBackup(options, log);
        } catch (error) {
          if (!isDrydockError(error)) throw error;
          emit({ check: 'backup', status: 'fail', message: error.message, fix: error.fix ?? undefined });
          return finish('refused');
        }
      }
      pitr = backup?.pitr ?? (await currentPitrMarker(client));
      log(`PITR marker: LSN ${pitr.lsn} at ${pitr.time}`);

      const applied = await applyAll(client, plan.pending, settings, options, { actor, deployId, backup, pitr }, log, results);
      if (!applied) return finish('failed');
      if (options.verify) {
        verify = await verifyDeploy(client, plan.pending, options.verify);
        for (const line of verify.lines) log(`verify: ${line}`);
        if (!verify.ok) return finish('verify-failed');
      }
      log(`deploy ${deployId}: ${results.length} migration(s) applied in ${formatMs(Date.now() - started)}`);
      return finish('applied');
    } finally {
      await releaseDeployLock(client).catch(() => undefined);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function runBackup(options: DeployOptions, log: (line: string) => void): Promise<BackupRecord> {
  const step = options.backup as Exclude<DeployOptions['backup'], 'none'>;
  log(`backup (${step.name}): starting`);
  const record = await step.run({ databaseUrl: options.databaseUrl, log });
  assertVerifiedBackup(record, step);
  log(`backup (${step.name}): ${record.location}, sha256 ${record.sha256}`);
  return record;
}

/** SQLSTATE classes and client errors that mean the session is gone (server restart, network cut, terminated backend). */
const CONNECTION_GONE = /^(08|57P0[1-3])/;

/**
 * The target went away mid-migration (restart, failover, network): a user-facing error naming the
 * migration and the recovery, instead of the driver's error escaping as a crash.
 */
function connectionLost(error: unknown, pm: ParsedMigration): DrydockError | null {
  const { code, message } = error as { code?: string; message?: string };
  const gone = (code !== undefined && CONNECTION_GONE.test(code)) || /Connection terminated|not queryable|ECONNRESET|EPIPE/i.test(message ?? '');
  if (!gone) return null;
  return new DrydockError(`lost the connection to the database while applying ${pm.migration.id}: ${redact(message ?? String(error))}`, {
    position: { path: pm.migration.path },
    fix: 'the server rolled back a transactional migration; an interrupted non-transactional one blocks deploys and `drydock status` says what to clean up. Deploy again once the database is reachable',
  });
}

async function currentPitrMarker(client: Client): Promise<PitrMarker> {
  const { rows } = await client.query<{ lsn: string; time: Date }>('SELECT pg_current_wal_lsn()::text AS lsn, now() AS time');
  return { lsn: rows[0].lsn, time: rows[0].time.toISOString() };
}

/** Apply in order; stop at the first failure. Returns whether all applied. */
async function applyAll(
  client: Client,
  pending: ParsedMigration[],
  settings: ApplySettings,
  options: DeployOptions,
  run: { actor: string; deployId: string; backup: BackupRecord | null; pitr: PitrMarker },
  log: (line: string) => void,
  results: MigrationApplyResult[],
): Promise<boolean> {
  const ctx = await openApplyContext(
    client,
    options.databaseUrl,
    settings,
    {
      appliedBy: run.actor,
      deployId: run.deployId,
      backupLocation: run.backup?.location ?? null,
      pitrLsn: run.pitr.lsn,
      pitrTime: run.pitr.time,
      rollbackScript: null,
    },
    log,
  );
  const progress = new Progress(pending, log);
  try {
    for (let i = 0; i < pending.length; i++) {
      progress.starting(i);
      // Planned against the target's catalog before the migration changes it, and stored with it,
      // so a rollback later depends on neither the files nor the dry run.
      ctx.record.rollbackScript = await rollbackScriptFor(client, pending[i]);
      const result = await applyMigration(ctx, pending[i], `[${i + 1}/${pending.length}] ${pending[i].migration.id}`).catch((error: unknown) => {
        throw connectionLost(error, pending[i]) ?? error;
      });
      results.push(result);
      progress.finished(i, result.durationMs, result.status === 'applied' ? `applied in ${formatMs(result.durationMs)}` : `FAILED: ${result.error?.message ?? ''}`);
      if (result.status !== 'applied') return false;
    }
    return true;
  } finally {
    await ctx.watchdog.stop();
  }
}
