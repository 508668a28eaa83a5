/**
 * `drydock restore` arguments → RestoreOptions, and the command itself for the CLI to dispatch to:
 *   drydock restore --backup s3://bucket/key|latest --target-url URL [--new-database NAME | --overwrite]
 *     [--bucket B --prefix P --database DB --endpoint URL --region R --force-path-style]
 *     [--pg-bin-dir DIR] [--no-owner]
 * S3 credentials come from the environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, profiles, OIDC).
 */
import { parseArgs } from 'node:util';
import { DrydockError, EXIT_OK } from '../util/errors';
import { redact, registerSecret } from '../util/secrets';
import { parseS3Url } from '../deploy/backup/s3-client';
import { restoreBackup } from './index';
import type { RestoreOptions } from './types';

export function parseRestoreArgs(argv: string[]): RestoreOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        backup: { type: 'string' },
        'target-url': { type: 'string' },
        'new-database': { type: 'string' },
        overwrite: { type: 'boolean' },
        bucket: { type: 'string' },
        prefix: { type: 'string' },
        database: { type: 'string' },
        endpoint: { type: 'string' },
        region: { type: 'string' },
        'force-path-style': { type: 'boolean' },
        'pg-bin-dir': { type: 'string' },
        'no-owner': { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new DrydockError(`drydock restore: ${redact((error as Error).message)}`, { fix: USAGE });
  }
  const targetUrl = values['target-url'];
  registerSecret(targetUrl);
  if (!values.backup || !targetUrl) throw new DrydockError('drydock restore needs --backup and --target-url', { fix: USAGE });
  if (values.overwrite && values['new-database']) {
    throw new DrydockError('--overwrite and --new-database exclude each other', {
      fix: '--overwrite replaces the database named in --target-url; --new-database names a database to create',
    });
  }
  const bucket = values.backup === 'latest' ? values.bucket : parseS3Url(values.backup).bucket;
  if (!bucket) throw new DrydockError('--backup latest needs --bucket (and --prefix if the backups use one)', { fix: USAGE });
  return {
    backup: values.backup,
    targetUrl,
    newDatabase: values['new-database'],
    overwrite: values.overwrite ?? false,
    database: values.database,
    noOwner: values['no-owner'] ?? false,
    pgBinDir: values['pg-bin-dir'],
    s3: {
      bucket,
      prefix: values.prefix,
      endpoint: values.endpoint,
      region: values.region,
      forcePathStyle: values['force-path-style'] ?? false,
    },
  };
}

/** Runs the command; prints through `print` (already redacted). DrydockErrors propagate to the CLI. */
export async function runRestoreCommand(argv: string[], print: (line: string) => void): Promise<number> {
  const options = parseRestoreArgs(argv);
  const say = (line: string) => print(redact(line));
  const result = await restoreBackup(options, say);
  say(`restored ${result.location} (sha256 ${result.sha256}, ${result.bytes} bytes) into database ${result.database} in ${(result.durationMs / 1000).toFixed(1)} s`);
  return EXIT_OK;
}

const USAGE =
  'drydock restore --backup s3://bucket/key|latest --target-url postgres://… [--new-database NAME | --overwrite] ' +
  '[--bucket B --prefix P --database DB] [--endpoint URL --region R --force-path-style] [--pg-bin-dir DIR] [--no-owner]';
