import { parseS3Url } from '../../deploy/backup/s3-client';
import { restoreBackup } from '../../restore';
import { DrydockError } from '../../util/errors';
import { registerSecret } from '../../util/secrets';
import type { Command } from '../command';
import { S3_OPTIONS, S3_USAGE, s3Location } from '../backup-options';
import { requiredString, stringOption } from '../values';

export const restore: Command = {
  usage: `drydock restore --backup s3://BUCKET/KEY|latest --target-url URL [options]

  --backup WHAT        an s3:// object, or "latest" (needs --bucket; newest backup of --database)
  --target-url URL     the server to restore to (or env DRYDOCK_TARGET_URL); its database is what --overwrite replaces
  --new-database NAME  name of the database to create (default <db>_restore_<timestamp>)
  --overwrite          replace the target database; lists the tables that will be lost first
  --database NAME      whose backups "latest" means (default the target's database)
  --no-owner           skip ownership and grants (for servers without the original roles)
${S3_USAGE}`,
  options: {
    ...S3_OPTIONS,
    backup: { type: 'string' },
    'target-url': { type: 'string' },
    'new-database': { type: 'string' },
    overwrite: { type: 'boolean', default: false },
    database: { type: 'string' },
    'no-owner': { type: 'boolean', default: false },
  },
  async run(values, _positionals, io) {
    const backup = requiredString(values, 'backup', 'restore', 'latest');
    const targetUrl = stringOption(values, 'target-url') ?? io.env.DRYDOCK_TARGET_URL;
    if (!targetUrl) throw new DrydockError('drydock restore needs --target-url (or DRYDOCK_TARGET_URL)', { fix: 'e.g. --target-url postgres://admin@db:5432/app' });
    registerSecret(targetUrl);
    if (values.overwrite && stringOption(values, 'new-database')) {
      throw new DrydockError('--overwrite and --new-database exclude each other', {
        fix: '--overwrite replaces the database named in --target-url; --new-database names a database to create',
      });
    }
    // For an s3:// object the bucket comes from the URL; "latest" needs --bucket.
    const s3 = s3Location(backup === 'latest' ? values : { ...values, bucket: parseS3Url(backup).bucket }, io, 'restore');
    const result = await restoreBackup(
      {
        backup,
        targetUrl,
        s3,
        newDatabase: stringOption(values, 'new-database'),
        overwrite: values.overwrite === true,
        database: stringOption(values, 'database'),
        noOwner: values['no-owner'] === true,
        pgBinDir: stringOption(values, 'pg-bin-dir'),
      },
      (line) => io.stderr(line + '\n'),
    );
    io.stdout(`restored ${result.location} (sha256 ${result.sha256}, ${result.bytes} bytes) into database ${result.database} in ${(result.durationMs / 1000).toFixed(1)} s\n`);
    return 0;
  },
};
