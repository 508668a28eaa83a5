/**
 * `drydock resolve`: after a non-transactional migration failed partway (or a deploy was killed
 * mid-way), a person cleans up and records the outcome; until then deploys refuse.
 *   --applied      the change was completed by hand: recorded as applied (status `resolved`).
 *   --rolled-back  the partial change was undone: the failure stops blocking, the next deploy re-runs it.
 */
import { DrydockError } from '../util/errors';
import { HISTORY_TABLE, insertHistory, isBlocking, latestByVersion, readHistory } from './history';
import { withDeployLock } from './session';
import type { ResolveOptions, ResolveResult } from './types';
import { findMigration } from './versions';

export async function resolve(options: ResolveOptions): Promise<ResolveResult> {
  return withDeployLock(options, async ({ client, actor, deployId }) => {
    const row = latestByVersion(await readHistory(client)).get(options.version);
    if (!row || !isBlocking(row)) {
      throw new DrydockError(`migration ${options.version} has no failed or interrupted run to resolve`, {
        fix: '`drydock status` lists the failed migrations',
      });
    }
    const note = `resolved as ${options.as} by ${actor}`;
    if (options.as === 'applied') {
      const file = options.migrations ? findMigration(options.migrations, options.version) : undefined;
      await insertHistory(client, {
        version: row.version,
        description: row.description,
        path: row.path,
        checksum: file?.migration.checksum ?? row.checksum,
        status: 'resolved',
        appliedBy: actor,
        error: `${note}; earlier failure: ${row.error ?? 'interrupted'}`,
        source: 'resolve',
        deployId,
      });
    } else {
      await client.query(
        `UPDATE ${HISTORY_TABLE} SET status = 'failed', blocks_deploy = false,
           error = coalesce(error, 'interrupted') || ' (' || $2 || ')' WHERE id = $1`,
        [row.id, note],
      );
    }
    const summary =
      options.as === 'applied'
        ? `${options.version} recorded as applied (${note}); deploys continue with the next migration`
        : `${options.version} no longer blocks deploys (${note}); the next deploy runs it again`;
    return { version: options.version, as: options.as, summary };
  });
}
