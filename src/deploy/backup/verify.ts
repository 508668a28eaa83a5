/**
 * Proof that the stored object is the dump that was made and that PostgreSQL can read it: the object
 * is read back once and, in that single pass, hashed, counted and fed to `pg_restore --list` (which
 * parses the archive header and table of contents). Size and sha256 must match both the stream that
 * was uploaded and the metadata stored with the object.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { DrydockError } from '../../util/errors';
import type { Digest } from './digest-stream';
import { readMetadata } from './object-metadata';
import { feedObject } from './object-stream';
import { s3Url } from './s3-client';
import { describeExit, startTool } from './tool-process';
import type { S3Location } from './types';

export async function verifyStoredDump(client: S3Client, location: S3Location, key: string, uploaded: Digest, pgRestorePath: string): Promise<void> {
  const where = s3Url(location.bucket, key);
  const { metadata, size } = await readMetadata(client, location, key);
  if (metadata.sha256 !== uploaded.sha256 || metadata.bytes !== uploaded.bytes || size !== uploaded.bytes) {
    throw new DrydockError(`the backup ${where} is not what was uploaded: metadata sha256/size do not match the stream`, {
      details: [`uploaded: ${uploaded.bytes} bytes, sha256 ${uploaded.sha256}`, `stored: ${size} bytes, metadata ${metadata.bytes} bytes, sha256 ${metadata.sha256 ?? '(none)'}`],
      fix: 'retry the deploy; if it persists, check the bucket for lifecycle rules or other writers under this prefix',
    });
  }
  const list = startTool(pgRestorePath, ['--list'], process.env, 'ignore');
  const readBack = await feedObject(client, location, key, list.child.stdin!, 'read the backup back');
  const exit = await list.exited;
  if (readBack.sha256 !== uploaded.sha256 || readBack.bytes !== uploaded.bytes) {
    throw new DrydockError(`the backup ${where} read back differs from what was uploaded`, {
      details: [`uploaded: ${uploaded.bytes} bytes, sha256 ${uploaded.sha256}`, `read back: ${readBack.bytes} bytes, sha256 ${readBack.sha256}`],
      fix: 'retry the deploy; if it persists, check the S3 endpoint or proxy for transformations',
    });
  }
  if (exit.code !== 0) {
    throw new DrydockError(`the backup ${where} is not a readable archive: ${describeExit('pg_restore --list', exit)}`, {
      fix: 'check that pg_restore comes from the same PostgreSQL install as pg_dump (pgBinDir)',
    });
  }
}
