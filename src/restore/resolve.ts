/** Which object a restore reads ("latest" or s3://bucket/key) and what its metadata promises. */
import { S3Client } from '@aws-sdk/client-s3';
import { DrydockError } from '../util/errors';
import { databasePrefix } from '../deploy/backup/keys';
import { listWith } from '../deploy/backup/listing';
import { readMetadata } from '../deploy/backup/object-metadata';
import { parseS3Url, s3Url } from '../deploy/backup/s3-client';
import type { S3Location } from '../deploy/backup/types';

export interface ResolvedBackup {
  location: S3Location;
  key: string;
  url: string;
  sha256: string;
  bytes: number;
  /** The database the dump was made of. */
  database: string;
  pgDumpVersion: string;
}

export async function resolveBackup(client: S3Client, s3: S3Location, backup: string, database: string): Promise<ResolvedBackup> {
  let location = s3;
  let key: string;
  if (backup === 'latest') {
    const newest = (await listWith(client, s3, database))[0];
    if (!newest) {
      throw new DrydockError(`no backups of ${database} under ${s3Url(s3.bucket, databasePrefix(s3.prefix, database))}`, {
        fix: 'check the bucket, prefix and database name (--database), or pass --backup s3://bucket/key',
      });
    }
    key = newest.key;
  } else {
    const parsed = parseS3Url(backup);
    location = { ...s3, bucket: parsed.bucket };
    key = parsed.key;
  }
  const url = s3Url(location.bucket, key);
  const { metadata, size } = await readMetadata(client, location, key);
  if (!metadata.sha256 || metadata.bytes === undefined) {
    throw new DrydockError(`${url} has no sha256 in its metadata: it is an incomplete backup or was not made by drydock`, {
      fix: 'restore another backup (see the list of backups), or restore this file by hand with pg_restore',
    });
  }
  if (size !== metadata.bytes) {
    throw new DrydockError(`${url} is ${size} bytes but its backup was ${metadata.bytes} bytes: it was modified or truncated`, {
      fix: 'restore another backup',
    });
  }
  return {
    location,
    key,
    url,
    sha256: metadata.sha256,
    bytes: metadata.bytes,
    database: metadata.database || database,
    pgDumpVersion: metadata.pgDumpVersion,
  };
}
