/** `drydock restore`: options and result (docs/backup.md). */
import type { PgToolOptions, S3Location } from '../deploy/backup/types';

export interface RestoreOptions extends PgToolOptions {
  s3: S3Location;
  /** "s3://bucket/key" or "latest" (the newest backup of `database` under the prefix). */
  backup: string;
  /** A connection to the server to restore to; its database is the one --overwrite replaces. */
  targetUrl: string;
  /** Whose backups "latest" means; default the database named in targetUrl. */
  database?: string;
  /** Name of the new database; default <db>_restore_<timestamp>. */
  newDatabase?: string;
  /** Replace the database named in targetUrl instead of creating a new one. */
  overwrite?: boolean;
  /** Database to connect to while replacing the target (default "postgres"). */
  maintenanceDatabase?: string;
  /** pg_restore --no-owner --no-acl: for servers that lack the original roles. */
  noOwner?: boolean;
  /** Clock for the default database name (tests). */
  now?: () => Date;
}

export interface TableEstimate {
  /** schema.table */
  table: string;
  /** pg_class.reltuples; null when the table was never analysed. */
  rowEstimate: number | null;
}

export interface RestoreResult {
  location: string;
  sha256: string;
  bytes: number;
  /** The database the backup is now in. */
  database: string;
  /** With overwrite: what the replaced database held (now gone). */
  replaced: TableEstimate[] | null;
  durationMs: number;
  pgRestoreVersion: string;
}
