/**
 * The rows of drydock.migration_history a rollback needs (src/deploy/history.ts owns the table):
 * which migrations are applied, newest first, with the rollback script stored when they were
 * applied, and the backup/PITR marker of their deploy.
 */
import type { ClientBase } from 'pg';
import { HISTORY_TABLE, historyExists } from '../deploy/history';
import { sameVersion } from '../deploy/versions';
import { DrydockError } from '../util/errors';

export interface AppliedRow {
  id: number;
  version: string;
  description: string;
  path: string | null;
  checksum: string | null;
  status: string;
  appliedAt: string;
  appliedBy: string;
  deployId: string | null;
  rollbackScript: string | null;
  backupLocation: string | null;
  pitrLsn: string | null;
  pitrTime: string | null;
}

interface RawRow {
  id: string;
  version: string;
  description: string;
  path: string | null;
  checksum: string | null;
  status: string;
  applied_at: Date;
  applied_by: string;
  deploy_id: string | null;
  rollback_script: string | null;
  backup_location: string | null;
  pitr_lsn: string | null;
  pitr_time: Date | null;
}

const COLUMNS = `id, version, description, path, checksum, status, applied_at, applied_by, deploy_id, rollback_script,
  backup_location, pitr_lsn::text AS pitr_lsn, pitr_time`;

function toRow(r: RawRow): AppliedRow {
  return {
    id: Number(r.id),
    version: r.version,
    description: r.description,
    path: r.path,
    checksum: r.checksum,
    status: r.status,
    appliedAt: r.applied_at.toISOString(),
    appliedBy: r.applied_by,
    deployId: r.deploy_id,
    rollbackScript: r.rollback_script,
    backupLocation: r.backup_location,
    pitrLsn: r.pitr_lsn,
    pitrTime: r.pitr_time ? r.pitr_time.toISOString() : null,
  };
}

/** The latest row of every version whose latest row says it is applied, newest first. */
export async function appliedNewestFirst(client: ClientBase): Promise<AppliedRow[]> {
  if (!(await historyExists(client))) return [];
  const { rows } = await client.query<RawRow>(`SELECT ${COLUMNS} FROM ${HISTORY_TABLE} ORDER BY id`);
  const latest = new Map<string, AppliedRow>();
  for (const raw of rows) latest.set(raw.version, toRow(raw));
  return [...latest.values()].filter((r) => APPLIED.has(r.status)).sort((a, b) => b.id - a.id);
}

const APPLIED = new Set(['applied', 'baseline', 'imported', 'resolved']);

export async function rowsOfDeploy(client: ClientBase, deployId: string): Promise<AppliedRow[]> {
  if (!(await historyExists(client))) return [];
  const { rows } = await client.query<RawRow>(`SELECT ${COLUMNS} FROM ${HISTORY_TABLE} WHERE deploy_id = $1 ORDER BY id`, [deployId]);
  return rows.map(toRow);
}

/** Which applied migrations `--to VERSION` or `--steps N` selects, newest first. */
export function selectTargets(applied: AppliedRow[], selection: { to?: string; steps?: number }): AppliedRow[] {
  const { to, steps } = selection;
  if ((to === undefined) === (steps === undefined)) {
    throw new DrydockError('say how far to roll back: --to VERSION or --steps N (one of them)', {
      fix: '`drydock status` lists the applied migrations; --steps 1 undoes the latest one',
    });
  }
  if (steps !== undefined) {
    if (!Number.isInteger(steps) || steps < 1) throw new DrydockError(`invalid --steps ${steps}`, { fix: 'use a whole number ≥ 1' });
    return applied.slice(0, steps);
  }
  const keep = applied.find((r) => sameVersion(r.version, to!));
  if (!keep) {
    throw new DrydockError(`migration ${to} is not applied on the target`, {
      fix: `roll back to an applied version: ${applied.slice(0, 5).map((r) => r.version).join(', ') || '(none applied)'}`,
    });
  }
  return applied.filter((r) => r.id > keep.id);
}
