/** `drydock status`: applied, pending and failed migrations, and who holds the deploy lock. Reads only. */
import { countsAsApplied, latestByVersion, readHistory } from './history';
import { describeHolder, readLockHolder } from './lock';
import { planDeploy } from './plan';
import { describeBlocking } from './preflight';
import { openConnection } from './session';
import type { StatusOptions, StatusResult } from './types';

export async function status(options: StatusOptions): Promise<StatusResult> {
  const client = await openConnection(options, 'drydock-status');
  try {
    const history = await readHistory(client);
    const latest = [...latestByVersion(history).values()];
    const applied = latest.filter(countsAsApplied);
    const failed = latest.filter((r) => r.status === 'failed' || r.status === 'running');
    const plan = options.migrations ? planDeploy(options.migrations, history) : null;
    const pending = plan?.pending.map((pm) => ({ version: pm.migration.id, path: pm.migration.path })) ?? [];
    const edited = plan?.edited.map((e) => ({ version: e.version, path: e.path })) ?? [];
    const lock = await readLockHolder(client);
    const lines = [
      `applied: ${applied.length}${applied.length ? ` (latest ${applied[applied.length - 1].version}, ${applied[applied.length - 1].appliedAt} by ${applied[applied.length - 1].appliedBy})` : ''}`,
      options.migrations ? `pending: ${pending.length}${pending.length ? ` (${pending.map((p) => p.version).join(', ')})` : ''}` : 'pending: unknown (no migration files given)',
      `failed: ${failed.length}`,
      ...failed.map((r) => `  ${describeBlocking(r)}${r.blocksDeploy || r.status === 'running' ? ' — blocks deploys until `drydock resolve`' : ''}`),
      ...(edited.length ? [`edited after applying: ${edited.map((e) => e.path).join(', ')}`] : []),
      `lock: ${lock ? `held by ${describeHolder(lock)}` : 'free'}`,
    ];
    return { applied, pending, failed, edited, lock, summary: lines.join('\n') };
  } finally {
    await client.end().catch(() => undefined);
  }
}
