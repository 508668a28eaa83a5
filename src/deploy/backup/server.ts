/** What the backup needs to know from the database server itself: its version and the PITR marker. */
import { DrydockError } from '../../util/errors';
import { withClient } from '../../util/pg';
import { describeUrl, redact, registerSecret } from '../../util/secrets';
import type { PitrMarker } from './types';

export interface ServerVersion {
  version: string;
  major: number;
}

export async function serverVersion(databaseUrl: string): Promise<ServerVersion> {
  const { rows } = await queryDatabase(databaseUrl, 'read the server version', (c) =>
    c.query<{ v: string; n: string }>("SELECT current_setting('server_version') AS v, current_setting('server_version_num') AS n"),
  );
  return { version: rows[0].v.split(' ')[0], major: Math.floor(Number(rows[0].n) / 10000) };
}

/**
 * The WAL position and time to recover to with PITR if the deploy must be undone without the dump:
 * taken after the dump, just before the deploy applies anything.
 */
export async function recordPitrMarker(databaseUrl: string): Promise<PitrMarker> {
  const { rows } = await queryDatabase(databaseUrl, 'record the PITR marker', (c) =>
    c.query<{ lsn: string; time: Date }>('SELECT pg_current_wal_lsn()::text AS lsn, now() AS time'),
  );
  return { lsn: rows[0].lsn, time: rows[0].time.toISOString() };
}

async function queryDatabase<T>(databaseUrl: string, action: string, fn: Parameters<typeof withClient<T>>[1]): Promise<T> {
  registerSecret(databaseUrl);
  try {
    return await withClient(databaseUrl, fn);
  } catch (error) {
    throw new DrydockError(`cannot ${action} on ${describeUrl(databaseUrl)}: ${redact((error as Error).message)}`, {
      fix: 'check the database URL (host, port, user, password) and that the server accepts connections from here',
    });
  }
}
