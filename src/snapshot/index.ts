/**
 * `drydock snapshot`: production statistics for the estimator, read through a read-only role.
 * Catalogs, statistics views and size functions only; never row data (see ./catalog.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DrydockError } from '../util/errors';
import { connect } from '../util/pg';
import { describeUrl, redact, registerSecret } from '../util/secrets';
import { readTables } from './catalog';
import { readServerStats } from './settings';
import { SNAPSHOT_FORMAT, StatsSnapshot } from './types';
import { sampleCounters, workloadRates } from './workload';

export * from './types';
export { loadStats } from './load';
export { COLUMN_STATS_FUNCTION, COLUMN_STATS_FUNCTION_SQL } from './catalog';

export interface SnapshotOptions {
  /** Only these schemas (default: every non-system schema). */
  schemas?: string[];
  /** Take two workload samples this many seconds apart (0 or absent: no workload rates). */
  sampleSeconds?: number;
  log?: (line: string) => void;
}

export async function takeSnapshot(databaseUrl: string, options: SnapshotOptions = {}): Promise<StatsSnapshot> {
  registerSecret(databaseUrl);
  const log = options.log ?? (() => undefined);
  let client;
  try {
    // Read-only at the session level, so no query of ours can write even if the role could.
    client = await connect(databaseUrl, { options: '-c default_transaction_read_only=on -c statement_timeout=60000' });
  } catch (error) {
    throw new DrydockError(`cannot connect to ${describeUrl(databaseUrl)}: ${redact((error as Error).message)}`, {
      fix: 'check --database-url; the role needs only LOGIN and pg_read_all_stats (docs/estimates.md)',
    });
  }
  try {
    const server = await readServerStats(client);
    const { tables, notes } = await readTables(client, options.schemas ?? null);
    log(`snapshot: ${tables.length} tables from ${describeUrl(databaseUrl)} (PostgreSQL ${server.version})`);
    let workload = null;
    if (options.sampleSeconds && options.sampleSeconds > 0) {
      const first = await sampleCounters(client);
      log(`snapshot: sampling workload for ${options.sampleSeconds} s`);
      await sleep(options.sampleSeconds * 1000);
      workload = workloadRates(first, await sampleCounters(client), options.sampleSeconds);
    }
    return { format: SNAPSHOT_FORMAT, takenAt: new Date().toISOString(), server, tables, workload, notes };
  } catch (error) {
    if (error instanceof DrydockError) throw error;
    throw new DrydockError(`snapshot of ${describeUrl(databaseUrl)} failed: ${redact((error as Error).message)}`, {
      fix: 'grant the role pg_read_all_stats (GRANT pg_read_all_stats TO drydock_stats)',
    });
  } finally {
    await client.end().catch(() => undefined);
  }
}
