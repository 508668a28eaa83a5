/**
 * Plain numbered SQL: `0001_create_users.sql`, `20240101120000-add-index.sql`. No runner, so no
 * pairing or directives of its own; the leading number orders the files numerically.
 */
import { basename } from 'node:path';
import { readScript, repoPath } from '../context';
import { compareDigits, sortUnique } from '../ordering';
import { attached, childPath, type DirectoryListing, type Layout, makeMigration, misnamedFileError } from './layout';

const NUMBERED = /^(\d+)[-_. ]*(.*)\.(?:sql|ts|js)$/;
/** A data check sibling (src/data/verify.ts): `0002_backfill.verify.sql` checks `0002_backfill.sql` (or .ts). */
const VERIFY_SUFFIX = '.verify.sql';

function isMigrationFile(name: string): boolean {
  if (name.endsWith(VERIFY_SUFFIX)) return false;
  // TypeScript/JavaScript migrations (src/data/code-migration.ts); declaration files are not migrations.
  return name.endsWith('.sql') || ((name.endsWith('.ts') || name.endsWith('.js')) && !name.endsWith('.d.ts') && NUMBERED.test(name));
}

/** Folders the postgres Docker image (and copies of its convention) runs with psql at startup. */
const INIT_SCRIPT_DIRS = new Set(['init-scripts', 'initdb', 'initdb.d', 'docker-entrypoint-initdb.d']);

export function isInitScriptDir(name: string): boolean {
  return INIT_SCRIPT_DIRS.has(name);
}

export const plainLayout: Layout = {
  name: 'plain',
  detect(dir: DirectoryListing): number {
    if (!dir.files.some((f) => NUMBERED.test(f))) return 0;
    // psql runs init scripts whole: `-- migrate:up` markers in them are just comments.
    return isInitScriptDir(basename(dir.absPath)) ? 0.99 : 0.3;
  },
  load(dir, context) {
    const entries = dir.files
      .filter(isMigrationFile)
      .map((name) => {
        const match = NUMBERED.exec(name);
        const absPath = childPath(dir, name);
        const path = repoPath(context.root, absPath);
        if (!match) throw misnamedFileError(path, '<number>_<description>.sql, e.g. 0001_create_users.sql');
        return { version: match[1], description: match[2], path, absPath };
      });
    return sortUnique(entries, (e) => e.version, compareDigits).map((e) => {
      const verifyName = e.absPath.replace(/\.(sql|ts|js)$/, VERIFY_SUFFIX);
      const verify = dir.files.includes(basename(verifyName)) ? attached(readScript(context, verifyName)) : null;
      return makeMigration('plain', readScript(context, e.absPath), { id: e.version, description: e.description, verify });
    });
  },
};
