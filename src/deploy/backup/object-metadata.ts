/**
 * What drydock stores with the dump object (S3 user metadata, x-amz-meta-*). The sha256 and size are
 * only known when the stream ends, after the multipart upload began, so they are written by copying
 * the object onto itself with replaced metadata (S3 allows that for objects up to 5 GiB, the
 * CopyObject limit). An object without a sha256 is an incomplete backup and is never restored.
 */
import { CopyObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DrydockError } from '../../util/errors';
import { encryptionParams } from './encryption';
import { s3Failure, s3Url } from './s3-client';
import type { S3Location } from './types';

export interface DumpDescription {
  database: string;
  version: string;
  pgDumpVersion: string;
  serverVersion: string;
}

export interface StoredChecksum {
  sha256: string;
  bytes: number;
}

export type BackupMetadata = DumpDescription & Partial<StoredChecksum>;

const COPY_OBJECT_LIMIT = 5 * 1024 ** 3;

export function metadataOf(description: DumpDescription, checksum?: StoredChecksum): Record<string, string> {
  const fields: Record<string, string> = {
    'drydock-format': 'pg_dump-custom',
    database: description.database,
    version: description.version,
    'pg-dump-version': description.pgDumpVersion,
    'server-version': description.serverVersion,
  };
  if (checksum) {
    fields.sha256 = checksum.sha256;
    fields.bytes = String(checksum.bytes);
  }
  return fields;
}

export async function storeChecksum(
  client: S3Client,
  location: S3Location,
  key: string,
  description: DumpDescription,
  checksum: StoredChecksum,
): Promise<void> {
  if (checksum.bytes > COPY_OBJECT_LIMIT) {
    throw new DrydockError(`the backup ${s3Url(location.bucket, key)} is larger than 5 GiB: its checksum cannot be stored as object metadata`, {
      fix: 'back up only the affected tables (tables option), or set backup: none and rely on your own backups / PITR',
    });
  }
  try {
    await client.send(
      new CopyObjectCommand({
        Bucket: location.bucket,
        Key: key,
        CopySource: encodeURI(`${location.bucket}/${key}`),
        MetadataDirective: 'REPLACE',
        ContentType: 'application/octet-stream',
        Metadata: metadataOf(description, checksum),
        ...encryptionParams(location),
      }),
    );
  } catch (error) {
    throw s3Failure(error, 'store the backup checksum', location);
  }
}

export async function readMetadata(client: S3Client, location: S3Location, key: string): Promise<{ metadata: BackupMetadata; size: number }> {
  let head;
  try {
    head = await client.send(new HeadObjectCommand({ Bucket: location.bucket, Key: key }));
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404) {
      throw new DrydockError(`no backup at ${s3Url(location.bucket, key)}`, { fix: 'list the backups (drydock backups list) and pass one of them, or latest' });
    }
    throw s3Failure(error, 'read the backup metadata', location);
  }
  const m = head.Metadata ?? {};
  const metadata: BackupMetadata = {
    database: m.database ?? '',
    version: m.version ?? '',
    pgDumpVersion: m['pg-dump-version'] ?? '',
    serverVersion: m['server-version'] ?? '',
    sha256: m.sha256,
    bytes: m.bytes !== undefined ? Number(m.bytes) : undefined,
  };
  return { metadata, size: head.ContentLength ?? 0 };
}
