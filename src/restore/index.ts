/**
 * `drydock restore` (docs/backup.md): a verified backup into a NEW database by default; with
 * overwrite, into a new database first and then swapped in place of the target, so a damaged or
 * tampered backup never costs the target anything.
 */
import { DrydockError } from '../util/errors';
import { registerSecret } from '../util/secrets';
import { assertNotOlder, databaseName, toolVersion, urlForDatabase } from '../deploy/backup/pg-tools';
import { createS3Client } from '../deploy/backup/s3-client';
import { compactTimestamp, createDatabase, databaseExists, dropDatabase, nameWithSuffix, replaceDatabase, tableEstimates } from './databases';
import { resolveBackup } from './resolve';
import { restoreFromObject } from './stream-restore';
import type { RestoreOptions, RestoreResult, TableEstimate } from './types';

export * from './types';

export async function restoreBackup(options: RestoreOptions, log: (line: string) => void = () => undefined): Promise<RestoreResult> {
  const started = Date.now();
  registerSecret(options.targetUrl);
  const target = databaseName(options.targetUrl);
  const stamp = compactTimestamp((options.now ?? (() => new Date()))());
  const client = createS3Client(options.s3);
  try {
    const backup = await resolveBackup(client, options.s3, options.backup, options.database ?? target);
    const pgRestore = toolVersion('pg_restore', options);
    const dumpMajor = Number(backup.pgDumpVersion.split('.')[0]) || 0;
    assertNotOlder('pg_restore', pgRestore, dumpMajor, `the pg_dump ${backup.pgDumpVersion} that wrote ${backup.url}`);

    let adminUrl = options.targetUrl;
    let finalName: string;
    let replaced: TableEstimate[] | null = null;
    if (options.overwrite) {
      // The target itself is dropped, so work from another database on the same server.
      adminUrl = urlForDatabase(options.targetUrl, options.maintenanceDatabase ?? 'postgres');
      if (!(await databaseExists(adminUrl, target))) {
        throw new DrydockError(`database ${target} does not exist: there is nothing to overwrite`, { fix: 'leave out --overwrite to restore into a new database' });
      }
      finalName = target;
      replaced = await tableEstimates(options.targetUrl);
      log(`overwriting database ${target}; its current contents will be lost:`);
      for (const t of replaced) log(`  ${t.table} (${t.rowEstimate === null ? 'row count unknown' : `~${t.rowEstimate} rows`})`);
    } else {
      finalName = options.newDatabase ?? nameWithSuffix(backup.database, `_restore_${stamp}`);
      if (await databaseExists(adminUrl, finalName)) {
        throw new DrydockError(`database ${finalName} already exists`, {
          fix: 'choose another --new-database name, or point --target-url at it and pass --overwrite to replace it',
        });
      }
    }
    const staging = options.overwrite ? nameWithSuffix(target, `_drydock_restoring_${stamp}`) : finalName;

    log(`restoring ${backup.url} (${backup.bytes} bytes) into database ${staging}`);
    await createDatabase(adminUrl, staging);
    try {
      await restoreFromObject(client, backup, urlForDatabase(options.targetUrl, staging), pgRestore.path, options.noOwner ?? false);
    } catch (error) {
      await dropDatabase(adminUrl, staging);
      log(`dropped database ${staging}`);
      throw error;
    }
    if (options.overwrite) await replaceDatabase(adminUrl, target, staging);
    return {
      location: backup.url,
      sha256: backup.sha256,
      bytes: backup.bytes,
      database: finalName,
      replaced,
      durationMs: Date.now() - started,
      pgRestoreVersion: pgRestore.version,
    };
  } finally {
    client.destroy();
  }
}
