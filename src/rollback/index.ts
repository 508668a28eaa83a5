/**
 * `drydock rollback --to VERSION | --steps N` (docs/rollback.md): run the rollback scripts stored in
 * migration_history when each migration was applied, newest first, with the deploy's safety —
 * deploy lock, pre-rollback backup and PITR marker, timeouts, retries, watchdog — and record each
 * migration as rolled_back. Refuses irreversible steps unless forced with a reason; previews with
 * dryRun. Also `recoveryPlan` (`drydock recovery-plan --deploy ID`), and the plan/generator API.
 */
import type { Client } from 'pg';
import { openApplyContext } from '../apply';
import type { ApplyContext } from '../apply/context';
import { toMs } from '../apply/duration';
import { applySettings } from '../deploy/deploy';
import { assertVerifiedBackup } from '../deploy/backup-step';
import { ensureHistorySchema } from '../deploy/history';
import { acquireDeployLock, recordLockHolder, releaseDeployLock } from '../deploy/lock';
import { actorOf, DEFAULT_LOCK_WAIT_MS, lockTimeoutError, newDeployId, openConnection, safeLog } from '../deploy/session';
import type { BackupRecord, PitrMarker } from '../deploy/types';
import { findMigration } from '../deploy/versions';
import { loadParser } from '../parse/parser';
import { DrydockError } from '../util/errors';
import { describeUrl, redact } from '../util/secrets';
import { runRollbackScript } from './execute';
import { AppliedRow, appliedNewestFirst, selectTargets } from './history';
import { rollbackPlanFor } from './plan';
import { formatResult } from './report';
import { readStoredScript } from './stored-script';
import type { RollbackOptions, RollbackOutcome, RollbackResult, RollbackTarget } from './types';
import { formatMs } from '../util/format';

export { generateRollback } from './generate';
export { rollbackPlanFor } from './plan';
export { validateRollback, rollbackScript } from './round-trip';
export { recoveryPlan } from './recovery-plan';
export { rollbackScriptFor } from './deploy-script';
export type * from './types';

export async function rollback(options: RollbackOptions): Promise<RollbackResult> {
  const started = Date.now();
  const log = safeLog(options);
  const actor = actorOf(options);
  const rollbackId = options.deployId ?? newDeployId();
  const target = describeUrl(options.databaseUrl);
  if (!options.dryRun && (options.backup === undefined || options.backup === null)) {
    throw new DrydockError('rollback needs a backup step', { fix: "configure the S3 backup, or pass backup 'none' to roll back without one" });
  }
  if (options.force && !options.reason?.trim()) {
    throw new DrydockError('--force needs --reason "…": the reason goes into the history and the changelog', {
      fix: 'add --reason "why it is safe to skip the irreversible steps"',
    });
  }
  const settings = applySettings({ ...options, migrations: [], backup: 'none' });
  await loadParser();
  const state = { targets: [] as RollbackTarget[], backup: null as BackupRecord | null, pitr: null as PitrMarker | null, refusal: null as string | null };
  const finish = (outcome: RollbackOutcome): RollbackResult => {
    const durationMs = Date.now() - started;
    const exitCode = outcome === 'rolled-back' || outcome === 'preview' || outcome === 'nothing-to-roll-back' ? 0 : 1;
    const text = formatResult({ outcome, rollbackId, actor, target, reason: options.force ? options.reason! : null, durationMs, ...state });
    return { outcome, exitCode, rollbackId, ...state, changelog: redact(text.changelog), summary: redact(text.summary), durationMs };
  };

  log(`rollback ${rollbackId} of ${target} by ${actor}${options.dryRun ? ' (dry run: nothing changes)' : ''}`);
  const client = await openConnection(options, 'drydock-rollback');
  try {
    if (options.dryRun) {
      state.targets = resolveTargets(selectTargets(await appliedNewestFirst(client), options), options);
      state.refusal = refusalOf(state.targets, options);
      return finish(state.targets.length === 0 ? 'nothing-to-roll-back' : 'preview');
    }
    const attempt = await acquireDeployLock(client, {
      actor,
      deployId: rollbackId,
      waitLimitMs: toMs(options.lockWaitLimit, DEFAULT_LOCK_WAIT_MS, 'lockWaitLimit'),
      log,
    });
    if (!attempt.acquired) {
      state.refusal = lockTimeoutError(attempt).message;
      return finish('lock-timeout');
    }
    try {
      await ensureHistorySchema(client);
      await recordLockHolder(client, actor, rollbackId);
      state.targets = resolveTargets(selectTargets(await appliedNewestFirst(client), options), options);
      if (state.targets.length === 0) return finish('nothing-to-roll-back');
      state.refusal = refusalOf(state.targets, options);
      if (state.refusal) {
        log(`rollback refused: ${state.refusal}`);
        return finish('refused');
      }
      if (options.backup !== 'none') state.backup = await runBackup(options, log);
      state.pitr = state.backup?.pitr ?? (await currentPitrMarker(client));
      log(`PITR marker: LSN ${state.pitr.lsn} at ${state.pitr.time}`);
      const ok = await runTargets(client, options, settings, { actor, rollbackId, backup: state.backup, pitr: state.pitr }, state.targets, log);
      return finish(ok ? 'rolled-back' : 'failed');
    } finally {
      await releaseDeployLock(client).catch(() => undefined);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The script of each migration: the stored one; else, only for an unchanged file, one made from it now. */
function resolveTargets(rows: AppliedRow[], options: RollbackOptions): RollbackTarget[] {
  return rows.map((row) => {
    const base = {
      version: row.version,
      description: row.description,
      path: row.path,
      appliedRowId: row.id,
      appliedAt: row.appliedAt,
      deployId: row.deployId,
      status: 'pending' as const,
      durationMs: null,
      error: null,
    };
    if (row.rollbackScript !== null) {
      return { ...base, scriptSource: 'stored' as const, script: row.rollbackScript, irreversible: readStoredScript(row.rollbackScript).irreversible };
    }
    const file = options.migrations ? findMigration(options.migrations, row.version) : undefined;
    if (file && row.checksum && file.migration.checksum === row.checksum) {
      // The catalog before this migration is gone, so inverses that need it are reported as irreversible.
      const plan = rollbackPlanFor(file, null);
      if (plan.script) return { ...base, scriptSource: 'file' as const, script: plan.script, irreversible: readStoredScript(plan.script).irreversible };
    }
    const why =
      row.status !== 'applied'
        ? `recorded as ${row.status} (not applied by drydock), so no rollback script was stored`
        : file && row.checksum !== file.migration.checksum
          ? 'no rollback script was stored, and the file changed since it was applied'
          : 'no rollback script was stored';
    return { ...base, scriptSource: 'none' as const, script: null, irreversible: [why] };
  });
}

function refusalOf(targets: RollbackTarget[], options: RollbackOptions): string | null {
  const missing = targets.filter((t) => t.script === null);
  if (missing.length > 0) {
    return `${missing.map((t) => `${t.version}: ${t.irreversible[0]}`).join('; ')}. Restore the backup taken before its deploy instead (drydock restore, drydock recovery-plan)`;
  }
  const irreversible = targets.filter((t) => t.irreversible.length > 0);
  if (irreversible.length > 0 && !options.force) {
    const steps = irreversible.flatMap((t) => t.irreversible.map((i) => `${t.version} ${i}`));
    return `irreversible steps: ${steps.join('; ')}. Rerun with --force --reason "…" to undo the rest and restore the lost data from the backup`;
  }
  return null;
}

async function runBackup(options: RollbackOptions, log: (line: string) => void): Promise<BackupRecord> {
  const step = options.backup as Exclude<RollbackOptions['backup'], 'none' | undefined>;
  log(`backup (${step.name}): starting`);
  const record = await step.run({ databaseUrl: options.databaseUrl, log });
  assertVerifiedBackup(record, step);
  log(`backup (${step.name}): ${record.location}, sha256 ${record.sha256}`);
  return record;
}

async function currentPitrMarker(client: Client): Promise<PitrMarker> {
  const { rows } = await client.query<{ lsn: string; time: Date }>('SELECT pg_current_wal_lsn()::text AS lsn, now() AS time');
  return { lsn: rows[0].lsn, time: rows[0].time.toISOString() };
}

async function runTargets(
  client: Client,
  options: RollbackOptions,
  settings: ApplyContext['settings'],
  run: { actor: string; rollbackId: string; backup: BackupRecord | null; pitr: PitrMarker },
  targets: RollbackTarget[],
  log: (line: string) => void,
): Promise<boolean> {
  const ctx = await openApplyContext(
    client,
    options.databaseUrl,
    settings,
    { appliedBy: run.actor, deployId: run.rollbackId, backupLocation: run.backup?.location ?? null, pitrLsn: run.pitr.lsn, pitrTime: run.pitr.time, rollbackScript: null },
    log,
  );
  try {
    for (const [i, t] of targets.entries()) {
      const label = `[${i + 1}/${targets.length}] rollback ${t.version}`;
      log(`${label}: running the ${t.scriptSource === 'stored' ? 'stored' : 'file-derived'} rollback script`);
      const result = await runRollbackScript(ctx, t.script!, `rollback of ${t.version}`, {
        version: t.version,
        description: t.description,
        path: t.path,
        checksum: null,
        status: 'rolled_back',
        appliedBy: run.actor,
        rollbackScript: t.script,
        backupLocation: ctx.record.backupLocation,
        pitrLsn: run.pitr.lsn,
        pitrTime: run.pitr.time,
        error: options.force && t.irreversible.length > 0 ? `forced past irreversible steps: ${options.reason}` : null,
        source: 'rollback',
        deployId: run.rollbackId,
      });
      t.durationMs = result.durationMs;
      t.status = result.ok ? 'rolled-back' : 'failed';
      t.error = result.error;
      log(`${label}: ${result.ok ? `rolled back in ${formatMs(result.durationMs)}` : `FAILED: ${result.error}`}`);
      if (!result.ok) {
        for (const rest of targets.slice(i + 1)) rest.status = 'not-run';
        return false;
      }
    }
    return true;
  } finally {
    await ctx.watchdog.stop();
  }
}
