/** What a deploy would do: compare the migration files with drydock's history on the target. */
import type { ParsedMigration } from '../engine/types';
import { isResumableBackfill } from '../data/resume';
import { countsAsApplied, isBlocking, latestByVersion } from './history';
import type { HistoryRow } from './types';

export interface EditedMigration {
  version: string;
  path: string;
  recordedChecksum: string;
  fileChecksum: string;
}

export interface DeployPlan {
  /** In apply order. */
  pending: ParsedMigration[];
  appliedCount: number;
  /** Applied migrations whose file changed since: the deploy refuses. */
  edited: EditedMigration[];
  /** Failed non-transactional (or interrupted) migrations waiting for `drydock resolve`. */
  blocking: HistoryRow[];
  /** Pending migrations that sort before one already applied. */
  outOfOrder: string[];
  /** Versions applied on the target with no file any more. */
  missingFiles: string[];
}

export function planDeploy(migrations: ParsedMigration[], history: HistoryRow[]): DeployPlan {
  const latest = latestByVersion(history);
  const ups = migrations.filter((m) => m.migration.direction !== 'down');
  const pending: ParsedMigration[] = [];
  const edited: EditedMigration[] = [];
  const outOfOrder: string[] = [];
  let appliedCount = 0;
  let appliedSeen = false;
  // Walk backwards: a pending file with an applied one after it is out of order.
  for (let i = ups.length - 1; i >= 0; i--) {
    const m = ups[i].migration;
    const row = latest.get(m.id);
    const applied = row !== undefined && countsAsApplied(row);
    if (m.direction === 'repeatable') {
      if (!applied || row.checksum !== m.checksum) pending.unshift(ups[i]);
      continue;
    }
    if (applied) {
      appliedCount++;
      appliedSeen = true;
      if (row.checksum && row.checksum !== m.checksum) {
        edited.unshift({ version: m.id, path: m.path, recordedChecksum: row.checksum, fileChecksum: m.checksum });
      }
      continue;
    }
    pending.unshift(ups[i]);
    if (appliedSeen) outOfOrder.unshift(m.id);
  }
  const known = new Set(ups.map((m) => m.migration.id));
  const missingFiles = [...latest.values()].filter((r) => countsAsApplied(r) && !known.has(r.version)).map((r) => r.version);
  // An interrupted or failed batched backfill is not blocking: the next deploy resumes its batches.
  const resumable = new Set(ups.filter(isResumableBackfill).map((m) => m.migration.id));
  const blocking = [...latest.values()].filter((row) => isBlocking(row) && !(row.status === 'running' && resumable.has(row.version)));
  return { pending, appliedCount, edited, blocking, outOfOrder, missingFiles };
}
