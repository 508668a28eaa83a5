/**
 * pg_dump -Fc streamed straight into a multipart upload: no temporary file, memory bounded by
 * partSize × queueSize. The stream is hashed on the way. Its end is held back until pg_dump has
 * exited successfully, so a pg_dump failure aborts the upload instead of completing a truncated object.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { DrydockError } from '../../util/errors';
import { Digest, DigestingStream } from './digest-stream';
import { encryptionParams } from './encryption';
import { libpqConnection } from './pg-tools';
import { s3Failure } from './s3-client';
import { describeExit, startTool, ToolExit } from './tool-process';
import type { S3Location } from './types';

export interface DumpUpload {
  client: S3Client;
  location: S3Location;
  key: string;
  pgDumpPath: string;
  databaseUrl: string;
  tables?: string[];
  metadata: Record<string, string>;
  partSize?: number;
  queueSize?: number;
}

const DEFAULT_PART_SIZE = 16 * 1024 * 1024;

class DumpFailed extends Error {
  constructor(readonly exit: ToolExit) {
    super(describeExit('pg_dump', exit));
  }
}

export function pgDumpArgs(dbname: string, tables: string[] | undefined): string[] {
  const args = ['--format=custom', '--no-password', '--dbname', dbname];
  // --strict-names: a misspelt table fails the backup instead of silently dumping nothing.
  if (tables?.length) args.push('--strict-names', ...tables.flatMap((t) => ['--table', t]));
  return args;
}

export async function dumpToS3(job: DumpUpload): Promise<Digest> {
  const { dbname, env } = libpqConnection(job.databaseUrl);
  const dump = startTool(job.pgDumpPath, pgDumpArgs(dbname, job.tables), env);
  dump.child.stdin!.end();
  const body = new DigestingStream();
  dump.child.stdout!.pipe(body, { end: false });
  const dumpExit = dump.exited.then((exit) => {
    if (exit.code === 0) body.end();
    else body.destroy(new DumpFailed(exit));
    return exit;
  });

  const upload = new Upload({
    client: job.client,
    params: {
      Bucket: job.location.bucket,
      Key: job.key,
      Body: body,
      ContentType: 'application/octet-stream',
      Metadata: job.metadata,
      ...encryptionParams(job.location),
    },
    partSize: Math.max(job.partSize ?? DEFAULT_PART_SIZE, 5 * 1024 * 1024),
    queueSize: job.queueSize ?? 4,
    leavePartsOnError: false,
  });
  try {
    await upload.done();
  } catch (error) {
    dump.child.kill('SIGTERM');
    const exit = await dumpExit;
    if (error instanceof DumpFailed || (exit.code !== 0 && exit.signal === null)) {
      throw new DrydockError(`the backup failed: ${describeExit('pg_dump', exit)}`, {
        fix: 'fix the cause pg_dump reports (permissions on every dumped table, table names, connection), or set backup: none',
      });
    }
    throw s3Failure(error, 'upload the backup', job.location);
  }
  await dumpExit;
  return body.digest();
}
