/**
 * One pass over the object: downloaded, hashed and piped into pg_restore at the same time (pg_restore
 * reads a custom-format archive from stdin sequentially, so it never needs the whole file at once).
 * The checksum is only known when the download ends, by which time pg_restore has written most or all
 * of the data: that is why a restore always goes into a database drydock just created, which the
 * caller drops when this throws.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { DrydockError } from '../util/errors';
import { feedObject } from '../deploy/backup/object-stream';
import { libpqConnection } from '../deploy/backup/pg-tools';
import { describeExit, startTool } from '../deploy/backup/tool-process';
import type { ResolvedBackup } from './resolve';

export async function restoreFromObject(
  client: S3Client,
  backup: ResolvedBackup,
  databaseUrl: string,
  pgRestorePath: string,
  noOwner: boolean,
): Promise<void> {
  const { dbname, env } = libpqConnection(databaseUrl);
  const args = ['--dbname', dbname, '--no-password', '--exit-on-error', ...(noOwner ? ['--no-owner', '--no-acl'] : [])];
  const restore = startTool(pgRestorePath, args, env, 'ignore');
  let received;
  try {
    received = await feedObject(client, backup.location, backup.key, restore.child.stdin!, 'download the backup');
  } catch (error) {
    restore.child.kill('SIGTERM');
    await restore.exited;
    throw error;
  }
  if (received.sha256 !== backup.sha256 || received.bytes !== backup.bytes) {
    restore.child.kill('SIGTERM');
    await restore.exited;
    throw new DrydockError(`${backup.url} fails its checksum: the object was changed or damaged after the backup was made`, {
      details: [`expected: ${backup.bytes} bytes, sha256 ${backup.sha256}`, `received: ${received.bytes} bytes, sha256 ${received.sha256}`],
      fix: 'restore another backup (drydock backups list); investigate who can write to the bucket',
    });
  }
  const exit = await restore.exited;
  if (exit.code !== 0) {
    throw new DrydockError(`restoring ${backup.url} failed: ${describeExit('pg_restore', exit)}`, {
      fix: 'if the target server lacks the roles that owned the objects, pass --no-owner; check the target server version and extensions',
    });
  }
}
