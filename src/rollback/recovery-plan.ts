/**
 * `drydock recovery-plan --deploy ID`: the way back when no rollback script can help — the recovery
 * target recorded just before the deploy changed anything (LSN and time), the backup it took, and
 * the steps for point-in-time recovery on a self-managed server and on managed services.
 */
import type { ClientBase } from 'pg';
import { DrydockError } from '../util/errors';
import { describeUrl, redact } from '../util/secrets';
import { openConnection } from '../deploy/session';
import { rowsOfDeploy } from './history';
import type { RecoveryPlanOptions } from './types';

interface ServerFacts {
  version: string;
  archiveMode: string;
  walLevel: string;
}

export async function recoveryPlan(options: RecoveryPlanOptions): Promise<string> {
  const client = await openConnection(options, 'drydock-recovery-plan');
  try {
    const rows = await rowsOfDeploy(client, options.deployId);
    if (rows.length === 0) {
      throw new DrydockError(`no deploy ${options.deployId} in the history of ${describeUrl(options.databaseUrl)}`, {
        fix: '`drydock status` and migration_history.deploy_id list the deploys; pass one of those ids',
      });
    }
    const marked = rows.find((r) => r.pitrLsn !== null) ?? null;
    const facts = await serverFacts(client);
    return redact(
      render({
        deployId: options.deployId,
        target: describeUrl(options.databaseUrl),
        versions: rows.map((r) => `${r.version} (${r.status})`),
        appliedBy: rows[0].appliedBy,
        lsn: marked?.pitrLsn ?? null,
        time: marked?.pitrTime ?? null,
        backup: rows.find((r) => r.backupLocation)?.backupLocation ?? null,
        facts,
      }),
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function serverFacts(client: ClientBase): Promise<ServerFacts> {
  const { rows } = await client.query<{ v: string; a: string; w: string }>(
    "SELECT current_setting('server_version') AS v, current_setting('archive_mode') AS a, current_setting('wal_level') AS w",
  );
  return { version: rows[0].v.split(' ')[0], archiveMode: rows[0].a, walLevel: rows[0].w };
}

interface PlanFacts {
  deployId: string;
  target: string;
  versions: string[];
  appliedBy: string;
  lsn: string | null;
  time: string | null;
  backup: string | null;
  facts: ServerFacts;
}

function render(p: PlanFacts): string {
  const lines = [
    `Recovery plan for deploy ${p.deployId} on ${p.target} (PostgreSQL ${p.facts.version})`,
    `Migrations in this deploy: ${p.versions.join(', ')}; run by ${p.appliedBy}.`,
    '',
  ];
  if (p.lsn && p.time) {
    lines.push('Recovery target, recorded just before the deploy changed anything:', `  LSN  ${p.lsn}`, `  time ${p.time}`);
  } else {
    lines.push('No recovery target was recorded for this deploy (no PITR marker in its history rows).');
  }
  lines.push('', 'Before you recover: point-in-time recovery discards EVERY write made after the target, not only the deploy.');
  lines.push('Export whatever the application wrote since then if you need it, and stop writes during the switch.');
  lines.push('', '1. Cheapest: undo the deploy with its stored rollback scripts');
  lines.push(`   drydock rollback --to <the version before ${p.versions[0].split(' ')[0]}> --dry-run   (then without --dry-run)`);
  lines.push('   Refused for irreversible steps; only --force --reason "…" runs past them, and their data stays lost.');
  lines.push('', '2. Restore the backup taken before the deploy (a new database; the current one stays untouched)');
  lines.push(p.backup ? `   drydock restore --backup ${p.backup} --target-url <URL of the server>` : '   No backup was taken by this deploy; `drydock restore --backup latest --target-url <URL>` restores the newest one.');
  lines.push('   Everything written after that backup is missing from the restored database.');
  lines.push('', '3. Point-in-time recovery to the target above');
  if (p.facts.archiveMode === 'off') {
    lines.push(`   WARNING: archive_mode is off on this server (wal_level ${p.facts.walLevel}): unless a managed service archives WAL for you, there is no WAL archive to recover from.`);
  }
  lines.push(...selfManaged(p), '', ...managed(p));
  return lines.join('\n');
}

function selfManaged(p: PlanFacts): string[] {
  const lsn = p.lsn ?? '<LSN>';
  const time = p.time ?? '<time>';
  return [
    '   Self-managed PostgreSQL (12 or later), with a base backup and the WAL archive:',
    `   a. Take a base backup made BEFORE ${time} and restore it into an empty data directory on a new server`,
    '      (never over the running primary’s data directory).',
    '   b. In its postgresql.conf set:',
    "        restore_command = '<copy %f from your WAL archive to %p>'",
    `        recovery_target_lsn = '${lsn}'`,
    '        recovery_target_inclusive = off        # stop just before the deploy’s first change',
    "        recovery_target_action = 'pause'       # inspect before going live",
    `      or, by time instead of LSN (set only one recovery_target_*): recovery_target_time = '${time}'`,
    '   c. Create an empty recovery.signal file in the data directory and start the server; it replays the',
    '      archived WAL up to the target and pauses.',
    '   d. Check it (drydock status against it lists the deploy’s migrations as pending), then end recovery',
    '      with SELECT pg_wal_replay_resume(); and point the application at the new server.',
  ];
}

function managed(p: PlanFacts): string[] {
  const time = p.time ?? '<time>';
  return [
    `   Managed services restore to a time, not an LSN (Neon accepts either). Use ${time} (UTC) or just before it.`,
    '   Most create a NEW instance from the automated backups and WAL; you then repoint the application:',
    '   - AWS RDS for PostgreSQL: "Restore to point in time" on the instance (CLI: aws rds restore-db-instance-to-point-in-time)',
    '     creates a new DB instance.',
    '   - Amazon Aurora PostgreSQL: restore the cluster to a point in time (aws rds restore-db-cluster-to-point-in-time)',
    '     creates a new cluster; add a DB instance to it before connecting.',
    '   - Google Cloud SQL: point-in-time recovery is a clone (gcloud sql instances clone SOURCE NEW --point-in-time=TIME);',
    '     it needs point-in-time recovery enabled on the instance beforehand.',
    '   - Azure Database for PostgreSQL flexible server: point-in-time restore (portal: Restore, or',
    '     az postgres flexible-server restore) creates a new server from the source server’s backups.',
    '   - Supabase: point-in-time recovery (a paid add-on) restores the project itself from the dashboard’s backups page,',
    '     with downtime while it runs.',
    `   - Neon: restore the branch to ${p.lsn ? `LSN ${p.lsn} or ` : ''}that time within the history retention window`,
    '     (console or neon branches restore), or first create a branch at that point to check it.',
  ];
}
