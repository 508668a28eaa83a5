/** What applying a migration needs from the deploy around it. */
import type { ClientBase } from 'pg';
import type { ApplySettings } from './types';
import { Watchdog } from './watchdog';

export interface ApplyContext {
  /** The deploy's session: holds the deploy lock, runs the migrations. */
  client: ClientBase;
  /** Its backend pid (what the watchdog watches and cancels). */
  pid: number;
  settings: ApplySettings;
  watchdog: Watchdog | null;
  log: (line: string) => void;
  /** The target's URL, for side connections (a backfill's lag and lock-wait monitor); absent = none. */
  databaseUrl?: string;
  /** Fields every history row of this deploy carries. */
  record: {
    appliedBy: string;
    deployId: string;
    backupLocation: string | null;
    pitrLsn: string | null;
    pitrTime: string | null;
    /** The rollback script stored with the migration being applied (src/rollback/deploy-script.ts). */
    rollbackScript: string | null;
  };
}

/**
 * The context a deploy or a rollback applies under: its session's pid, the settings, and a started
 * watchdog (the caller stops it with `ctx.watchdog.stop()` when done).
 */
export async function openApplyContext(
  client: ClientBase,
  databaseUrl: string,
  settings: ApplySettings,
  record: ApplyContext['record'],
  log: (line: string) => void,
): Promise<ApplyContext & { watchdog: Watchdog }> {
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const watchdog = await Watchdog.start(databaseUrl, { boundMs: settings.watchdogBoundMs, intervalMs: settings.watchdogIntervalMs, log });
  return { client, pid: rows[0].pid, settings, watchdog, log, databaseUrl, record };
}
