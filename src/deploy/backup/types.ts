/**
 * The contract of the pre-deploy backup (docs/backup.md): options in, one record out. The deploy
 * stores the record (location, sha256, PITR marker) in its history; restore reads the same object.
 */

/** Server-side encryption S3 applies to the dump object. */
export type ServerSideEncryption = { type: 'AES256' } | { type: 'aws:kms'; kmsKeyId?: string };

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface S3Location {
  bucket: string;
  /** Key prefix without trailing slash, e.g. "drydock/backups"; "" for the bucket root. */
  prefix?: string;
  region?: string;
  /** Custom endpoint (MinIO, s3rver, …), e.g. "http://127.0.0.1:4569". */
  endpoint?: string;
  /** Path-style addressing (bucket in the path): needed by most S3-compatible servers. */
  forcePathStyle?: boolean;
  /** Omitted: the AWS SDK's default chain (environment, shared config, OIDC web identity). */
  credentials?: S3Credentials;
  encryption?: ServerSideEncryption;
  /** SDK attempts per request (default 3). Pre-flight probes use one attempt so they fail fast. */
  maxAttempts?: number;
}

/** Where the PostgreSQL client programs come from: an explicit path wins over binDir, then PATH. */
export interface PgToolOptions {
  /** e.g. /usr/lib/postgresql/18/bin */
  pgBinDir?: string;
  pgDumpPath?: string;
  pgRestorePath?: string;
}

export interface BackupOptions extends PgToolOptions {
  /** The database to back up. Registered as a secret; the password reaches pg_dump through PGPASSWORD. */
  databaseUrl: string;
  s3: S3Location;
  /** Goes into the key (`<timestamp>-<version>.dump`), e.g. the migration version about to be applied. */
  version?: string;
  /** Only these tables (pg_dump -t each, e.g. "public.users"); default the whole database. */
  tables?: string[];
  /** Keep this many backups of the database under prefix/db/ (older ones are deleted); default: keep all. */
  retain?: number;
  /** Read the object back (size, sha256, `pg_restore --list`). Default true. */
  verify?: boolean;
  /** Multipart part size in bytes (default 16 MiB, minimum 5 MiB). */
  partSize?: number;
  /** Parts uploaded in parallel (default 4); memory use is about partSize × queueSize. */
  queueSize?: number;
  /** Clock for the key's timestamp (tests). */
  now?: () => Date;
}

/** The point to recover to with point-in-time recovery: the state just before apply. */
export interface PitrMarker {
  /** pg_current_wal_lsn(), e.g. "0/1A2B3C4D". */
  lsn: string;
  /** The server's now(), ISO 8601. */
  time: string;
}

export interface BackupRecord {
  /** s3://bucket/key */
  location: string;
  bucket: string;
  key: string;
  sha256: string;
  bytes: number;
  durationMs: number;
  pitr: PitrMarker;
  /** e.g. "15.18" */
  serverVersion: string;
  pgDumpVersion: string;
  /** Keys deleted by retention. */
  deleted: string[];
}

/** One stored backup, as listBackups sees it. */
export interface BackupListing {
  location: string;
  bucket: string;
  key: string;
  database: string;
  /** Parsed from the key. */
  createdAt: Date;
  version: string;
  bytes: number;
}

export interface PrerequisiteReport {
  serverVersion: string;
  pgDumpPath: string;
  pgDumpVersion: string;
  bucket: string;
}
