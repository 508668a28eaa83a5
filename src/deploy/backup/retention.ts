/**
 * Keep the newest N backups of a database and delete the rest. Runs only after the new backup is
 * verified, never touches objects that do not follow the key layout, and never deletes the backup
 * just made (even with a skewed clock that names it older than existing ones).
 */
import { DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DrydockError } from '../../util/errors';
import { listWith } from './listing';
import { s3Failure } from './s3-client';
import type { S3Location } from './types';

/** Checked in the pre-flight, so a bad setting stops the deploy before the dump. */
export function assertValidRetention(keep: number | undefined): void {
  if (keep === undefined || (Number.isInteger(keep) && keep >= 1)) return;
  throw new DrydockError(`backup retention must be a whole number of backups, at least 1 (got ${keep})`, {
    fix: 'set retain to 1 or more, or leave it out to keep every backup',
  });
}

export async function applyRetention(client: S3Client, location: S3Location, database: string, keep: number, justMade: string): Promise<string[]> {
  const backups = await listWith(client, location, database);
  const expired = backups.slice(keep).map((b) => b.key).filter((key) => key !== justMade);
  // One DeleteObject per key: DeleteObjects needs a Content-MD5/checksum that some S3-compatible servers reject.
  for (const key of expired) {
    try {
      await client.send(new DeleteObjectCommand({ Bucket: location.bucket, Key: key }));
    } catch (error) {
      throw s3Failure(error, `delete the expired backup ${key}`, location);
    }
  }
  return expired;
}
