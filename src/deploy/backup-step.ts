/**
 * The backup step: the S3 backup module behind the small BackupStep interface deploy calls, and
 * the check that a record describes a verified backup before anything is applied.
 */
import { DrydockError } from '../util/errors';
import { backupDatabase } from './backup';
import type { BackupOptions } from './backup/types';
import type { BackupRecord, BackupStep } from './types';

/** pg_dump to S3, read back and verified (src/deploy/backup). */
export function s3BackupStep(options: Omit<BackupOptions, 'databaseUrl'>): BackupStep {
  return {
    name: 's3',
    run: ({ databaseUrl }) => backupDatabase({ ...options, databaseUrl }),
  };
}

/** Refuse to go on with a record that cannot be a verified backup. */
export function assertVerifiedBackup(record: BackupRecord, step: BackupStep): void {
  const problems: string[] = [];
  if (!record.location) problems.push('no location');
  if (!/^[0-9a-f]{64}$/i.test(record.sha256 ?? '')) problems.push('no sha256');
  if (!(record.bytes > 0)) problems.push('empty');
  if (problems.length > 0) {
    throw new DrydockError(`backup step "${step.name}" returned an unverified backup (${problems.join(', ')}); nothing was applied`, {
      fix: "fix the backup configuration, or deploy with backup 'none' to skip the backup deliberately",
    });
  }
}
