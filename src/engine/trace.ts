/**
 * The dry-run half of a check: start the ephemeral server, replay and trace (src/dryrun), then
 * estimate at production size (src/estimate), and always stop the server.
 */
import { dryRun } from '../dryrun';
import { startEphemeralServer } from '../dryrun/providers';
import { estimate, loadStats } from '../estimate';
import type { Report } from '../report/types';
import type { ParsedMigration } from './types';

export interface TraceOptions {
  shadowUrl?: string;
  pgVersion?: number;
  cacheDir: string | null;
  setupSqlPath?: string;
  statsPath?: string;
  log: (line: string) => void;
}

export async function traceAndEstimate(migrations: ParsedMigration[], options: TraceOptions): Promise<NonNullable<Report['server']>> {
  // A bad statistics file is an input error: report it before starting anything.
  const stats = options.statsPath ? loadStats(options.statsPath) : null;
  const server = await startEphemeralServer({ shadowUrl: options.shadowUrl, pgVersion: options.pgVersion, cacheDir: options.cacheDir ?? undefined });
  try {
    options.log(`dry run on PostgreSQL ${server.version} (${server.provider})`);
    const result = await dryRun(migrations, {
      server,
      setupSqlPath: options.setupSqlPath,
      cacheDir: options.cacheDir,
      keepBaseSchema: stats !== null,
      roundTrip: true,
      log: options.log,
    });
    await estimate(migrations, { server, stats, baseSchemaDatabase: result.baseSchemaDatabase ?? undefined, log: options.log });
    return { version: server.version, versionNum: server.versionNum, provider: server.provider };
  } finally {
    await server.stop();
  }
}
