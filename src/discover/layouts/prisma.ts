/**
 * Prisma Migrate: `<timestamp>_<name>/migration.sql` next to `migration_lock.toml`. Applied in
 * directory-name order; the directory name is the migration's name in `_prisma_migrations`.
 * Prisma has no down scripts.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { readScript, repoPath } from '../context';
import { compareStrings, sortUnique } from '../ordering';
import { childPath, type DirectoryListing, type Layout, makeMigration, missingFileError } from './layout';

function hasMigrationSql(dir: DirectoryListing, name: string): boolean {
  return existsSync(path.join(dir.absPath, name, 'migration.sql'));
}

export const prismaLayout: Layout = {
  name: 'prisma',
  detect(dir) {
    if (dir.files.includes('migration_lock.toml')) return 0.95;
    return dir.dirs.slice(0, 5).some((d) => hasMigrationSql(dir, d)) ? 0.9 : 0;
  },
  load(dir, context) {
    const entries = dir.dirs.map((name) => {
      const absPath = path.join(childPath(dir, name), 'migration.sql');
      if (!existsSync(absPath)) throw missingFileError(repoPath(context.root, childPath(dir, name)), 'migration.sql');
      return { name, path: repoPath(context.root, absPath), absPath };
    });
    return sortUnique(entries, (e) => e.name, compareStrings).map((e) =>
      makeMigration('prisma', readScript(context, e.absPath), {
        id: e.name,
        description: e.name.replace(/^\d+_?/, ''),
      }),
    );
  },
};
