/**
 * Backup and S3 options (deploy, rollback, restore): kept apart from ./values so that commands
 * without a backup do not load the AWS SDK.
 */
import { s3BackupStep } from '../deploy/backup-step';
import type { S3Location, ServerSideEncryption } from '../deploy/backup/types';
import type { BackupStep } from '../deploy/types';
import { DrydockError } from '../util/errors';
import type { Io, Options, Values } from './command';
import { intOption, stringOption } from './values';

export const S3_OPTIONS: Options = {
  bucket: { type: 'string' },
  prefix: { type: 'string' },
  region: { type: 'string' },
  endpoint: { type: 'string' },
  'force-path-style': { type: 'boolean', default: false },
  sse: { type: 'string' },
  'kms-key-id': { type: 'string' },
  'pg-bin-dir': { type: 'string' },
};

export const S3_USAGE = `  --bucket NAME        S3 bucket for backups (or env DRYDOCK_S3_BUCKET); credentials from the AWS environment
  --prefix P           key prefix (backups are P/<database>/<timestamp>-<version>.dump)
  --region R --endpoint URL --force-path-style   for S3-compatible servers (MinIO, …)
  --sse AES256|aws:kms [--kms-key-id ID]          server-side encryption
  --pg-bin-dir DIR     where pg_dump/pg_restore are (must not be older than the server)`;

export function s3Location(values: Values, io: Io, command: string): S3Location {
  const bucket = stringOption(values, 'bucket') ?? io.env.DRYDOCK_S3_BUCKET;
  if (!bucket) throw new DrydockError(`drydock ${command} needs --bucket (or DRYDOCK_S3_BUCKET) for the backup`, { fix: 'or --backup none to skip it deliberately' });
  const sse = stringOption(values, 'sse');
  let encryption: ServerSideEncryption | undefined;
  if (sse === 'AES256') encryption = { type: 'AES256' };
  else if (sse === 'aws:kms') encryption = { type: 'aws:kms', kmsKeyId: stringOption(values, 'kms-key-id') };
  else if (sse !== undefined) throw new DrydockError(`--sse must be AES256 or aws:kms, not "${sse}"`, { fix: '--sse AES256' });
  return {
    bucket,
    prefix: stringOption(values, 'prefix') ?? io.env.DRYDOCK_S3_PREFIX,
    region: stringOption(values, 'region') ?? io.env.AWS_REGION ?? 'us-east-1',
    endpoint: stringOption(values, 'endpoint') ?? io.env.DRYDOCK_S3_ENDPOINT,
    forcePathStyle: values['force-path-style'] === true,
    encryption,
  };
}

export const BACKUP_OPTIONS: Options = {
  ...S3_OPTIONS,
  backup: { type: 'string', default: 'pg-dump' },
  retain: { type: 'string' },
  'backup-tables': { type: 'string' },
};

export const BACKUP_USAGE = `  --backup pg-dump|none  back up before changing anything (default pg-dump: pg_dump -Fc streamed to S3, verified)
  --retain N           keep the newest N backups of this database
  --backup-tables T,…  back up only these tables
${S3_USAGE}`;

export function backupStep(values: Values, io: Io, command: string): BackupStep | 'none' {
  const mode = stringOption(values, 'backup');
  if (mode === 'none') return 'none';
  if (mode !== 'pg-dump') throw new DrydockError(`--backup must be pg-dump or none, not "${mode}"`, { fix: '--backup pg-dump' });
  const tables = stringOption(values, 'backup-tables');
  return s3BackupStep({
    s3: s3Location(values, io, command),
    retain: intOption(values, 'retain'),
    tables: tables ? tables.split(',').map((t) => t.trim()) : undefined,
    pgBinDir: stringOption(values, 'pg-bin-dir'),
  });
}
