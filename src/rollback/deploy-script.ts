/**
 * What the deploy stores in migration_history.rollback_script: the plan made against the target's
 * own catalog just before the migration is applied (one catalog query), so a later rollback needs
 * neither the files nor the dry run.
 */
import type { ClientBase } from 'pg';
import type { ParsedMigration } from '../engine/types';
import { snapshotCatalog } from '../schema';
import { rollbackPlanFor } from './plan';

export async function rollbackScriptFor(client: ClientBase, pm: ParsedMigration): Promise<string | null> {
  // A written down script needs no catalog (data-loss marks come from the up statements alone);
  // only generated inverses read the previous state, so only they pay for the snapshot.
  if (pm.file.down) return rollbackPlanFor(pm).script;
  return rollbackPlanFor(pm, await snapshotCatalog(client)).script;
}
