/** The backups of one database: the objects under prefix/db/ whose names follow the key layout, newest first. */
import { ListObjectsV2Command, ListObjectsV2CommandOutput, S3Client } from '@aws-sdk/client-s3';
import { databasePrefix, parseBackupKey } from './keys';
import { createS3Client, s3Failure, s3Url } from './s3-client';
import type { BackupListing, S3Location } from './types';

export interface ListBackupsOptions {
  s3: S3Location;
  /** The database name used in the keys (the database the backups were made of). */
  database: string;
}

export async function listBackups(options: ListBackupsOptions): Promise<BackupListing[]> {
  const client = createS3Client(options.s3);
  try {
    return await listWith(client, options.s3, options.database);
  } finally {
    client.destroy();
  }
}

export async function listWith(client: S3Client, location: S3Location, database: string): Promise<BackupListing[]> {
  const prefix = databasePrefix(location.prefix, database);
  const found: BackupListing[] = [];
  let token: string | undefined;
  do {
    let page: ListObjectsV2CommandOutput;
    try {
      page = await client.send(new ListObjectsV2Command({ Bucket: location.bucket, Prefix: prefix, Delimiter: '/', ContinuationToken: token }));
    } catch (error) {
      throw s3Failure(error, 'list the backups', location);
    }
    for (const object of page.Contents ?? []) {
      const parsed = object.Key ? parseBackupKey(object.Key) : null;
      if (!parsed) continue;
      found.push({
        location: s3Url(location.bucket, object.Key!),
        bucket: location.bucket,
        key: object.Key!,
        database: parsed.database,
        createdAt: parsed.createdAt,
        version: parsed.version,
        bytes: object.Size ?? 0,
      });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return found.sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0));
}
