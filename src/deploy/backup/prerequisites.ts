/**
 * The pre-flight: everything that can stop a backup is checked before the deploy changes anything.
 * - pg_dump must be at least the server's major version (pg_dump refuses newer servers).
 * - pg_restore is needed to verify the dump it read back.
 * - The bucket must answer and accept writes: HeadBucket, then a tiny object written and deleted under
 *   the database's prefix with the same encryption settings as the dump. Relying on the upload to fail
 *   would cost a started pg_dump and, with a slow endpoint, a long wait; the probe fails in seconds.
 */
import { randomBytes } from 'node:crypto';
import { DeleteObjectCommand, HeadBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { databasePrefix } from './keys';
import { assertNotOlder, databaseName, toolVersion, ToolVersion } from './pg-tools';
import { createS3Client, s3Failure } from './s3-client';
import { encryptionParams } from './encryption';
import { assertValidRetention } from './retention';
import { serverVersion, ServerVersion } from './server';
import type { BackupOptions, PrerequisiteReport, S3Location } from './types';

export interface Prerequisites {
  server: ServerVersion;
  pgDump: ToolVersion;
  /** null when verification is off. */
  pgRestore: ToolVersion | null;
}

export async function checkBackupPrerequisites(options: BackupOptions): Promise<PrerequisiteReport> {
  const found = await verifyPrerequisites(options);
  return {
    serverVersion: found.server.version,
    pgDumpPath: found.pgDump.path,
    pgDumpVersion: found.pgDump.version,
    bucket: options.s3.bucket,
  };
}

export async function verifyPrerequisites(options: BackupOptions): Promise<Prerequisites> {
  assertValidRetention(options.retain);
  const pgDump = toolVersion('pg_dump', options);
  const pgRestore = options.verify === false ? null : toolVersion('pg_restore', options);
  const server = await serverVersion(options.databaseUrl);
  const theServer = `the server (PostgreSQL ${server.version})`;
  assertNotOlder('pg_dump', pgDump, server.major, theServer);
  if (pgRestore) assertNotOlder('pg_restore', pgRestore, pgDump.major, `pg_dump ${pgDump.version}, whose dump it must verify`);
  await probeBucket(options.s3, databaseName(options.databaseUrl));
  return { server, pgDump, pgRestore };
}

async function probeBucket(location: S3Location, database: string): Promise<void> {
  // One attempt: a closed port or a wrong endpoint should fail now, not after the SDK's back-off.
  const client = createS3Client({ ...location, maxAttempts: 1 });
  try {
    await step(client.send(new HeadBucketCommand({ Bucket: location.bucket })), 'reach the backup bucket', location);
    const key = `${databasePrefix(location.prefix, database)}.drydock-write-probe-${randomBytes(6).toString('hex')}`;
    await step(
      client.send(new PutObjectCommand({ Bucket: location.bucket, Key: key, Body: 'drydock write probe', ...encryptionParams(location) })),
      'write to the backup bucket',
      location,
    );
    await step(client.send(new DeleteObjectCommand({ Bucket: location.bucket, Key: key })), 'delete from the backup bucket (retention needs it)', location);
  } finally {
    client.destroy();
  }
}

async function step<T>(request: Promise<T>, action: string, location: S3Location): Promise<T> {
  try {
    return await request;
  } catch (error) {
    throw s3Failure(error, action, location);
  }
}
