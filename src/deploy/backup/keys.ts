/**
 * The object key layout: `<prefix>/<db>/<timestamp>-<version>.dump`. The timestamp is UTC, fixed
 * width and leads the file name, so the lexical order of keys is their age order — retention and
 * `latest` rely on that, not on LastModified (which a copy or a re-upload changes).
 */

const TIMESTAMP = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z$/;
const FILE_NAME = /^(\d{8}T\d{9}Z)-(.+)\.dump$/;

/** "prefix/db/" (or "db/" without prefix): everything of one database. */
export function databasePrefix(prefix: string | undefined, database: string): string {
  const clean = (prefix ?? '').replace(/^\/+|\/+$/g, '');
  return `${clean ? clean + '/' : ''}${database}/`;
}

export function backupKey(prefix: string | undefined, database: string, at: Date, version: string | undefined): string {
  return `${databasePrefix(prefix, database)}${formatTimestamp(at)}-${safeVersion(version)}.dump`;
}

/** The timestamp and version in a key of this layout, or null for any other object under the prefix. */
export function parseBackupKey(key: string): { createdAt: Date; version: string; database: string } | null {
  const parts = key.split('/');
  const match = FILE_NAME.exec(parts[parts.length - 1]);
  if (!match || parts.length < 2) return null;
  return { createdAt: parseTimestamp(match[1]), version: match[2], database: parts[parts.length - 2] };
}

function formatTimestamp(at: Date): string {
  return at.toISOString().replace(/[-:]/g, '').replace('.', '');
}

function parseTimestamp(text: string): Date {
  const m = TIMESTAMP.exec(text)!;
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], +m[7]));
}

/** Versions come from file names and tags; keep keys to characters that need no escaping anywhere. */
function safeVersion(version: string | undefined): string {
  const cleaned = (version ?? '').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '');
  return cleaned || 'manual';
}
