/**
 * The backup made before a deploy applies anything (docs/backup.md):
 *   pre-flight (pg_dump vs server, bucket writable) → pg_dump -Fc streamed to S3 and hashed →
 *   sha256 and size stored as object metadata → read back and verified → retention → PITR marker.
 * Any failure is a DrydockError and happens before the deploy changes the database.
 */
import { backupKey } from './keys';
import { dumpToS3 } from './dump-upload';
import { metadataOf, storeChecksum, DumpDescription } from './object-metadata';
import { databaseName } from './pg-tools';
import { verifyPrerequisites } from './prerequisites';
import { applyRetention } from './retention';
import { createS3Client, s3Url } from './s3-client';
import { recordPitrMarker } from './server';
import { verifyStoredDump } from './verify';
import type { BackupOptions, BackupRecord } from './types';

export { checkBackupPrerequisites } from './prerequisites';
export { listBackups } from './listing';
export type { ListBackupsOptions } from './listing';
export { recordPitrMarker } from './server';
export { parseS3Url, s3Url } from './s3-client';
export * from './types';

export async function backupDatabase(options: BackupOptions): Promise<BackupRecord> {
  const started = Date.now();
  const tools = await verifyPrerequisites(options);
  const database = databaseName(options.databaseUrl);
  const key = backupKey(options.s3.prefix, database, (options.now ?? (() => new Date()))(), options.version);
  const description: DumpDescription = {
    database,
    version: options.version ?? '',
    pgDumpVersion: tools.pgDump.version,
    serverVersion: tools.server.version,
  };
  const client = createS3Client(options.s3);
  try {
    const uploaded = await dumpToS3({
      client,
      location: options.s3,
      key,
      pgDumpPath: tools.pgDump.path,
      databaseUrl: options.databaseUrl,
      tables: options.tables,
      metadata: metadataOf(description),
      partSize: options.partSize,
      queueSize: options.queueSize,
    });
    await storeChecksum(client, options.s3, key, description, uploaded);
    if (tools.pgRestore) await verifyStoredDump(client, options.s3, key, uploaded, tools.pgRestore.path);
    const deleted = options.retain ? await applyRetention(client, options.s3, database, options.retain, key) : [];
    const pitr = await recordPitrMarker(options.databaseUrl);
    return {
      location: s3Url(options.s3.bucket, key),
      bucket: options.s3.bucket,
      key,
      sha256: uploaded.sha256,
      bytes: uploaded.bytes,
      durationMs: Date.now() - started,
      pitr,
      serverVersion: tools.server.version,
      pgDumpVersion: tools.pgDump.version,
      deleted,
    };
  } finally {
    client.destroy();
  }
}
