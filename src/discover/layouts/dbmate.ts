/**
 * dbmate: `<digits>_<description>.sql` files holding a `-- migrate:up` and an optional
 * `-- migrate:down` section. Only the up section is the migration's SQL; `transaction:false` on
 * the up marker turns the transaction off. Applied in file-name order.
 */
import { readFileSync } from 'node:fs';
import { readScript, repoPath } from '../context';
import { compareStrings, sortUnique } from '../ordering';
import { splitDbmateSections } from './dbmate-sections';
import { attached, childPath, type DirectoryListing, type Layout, makeMigration, misnamedFileError } from './layout';

const FILE = /^(\d+)[-_]?(.*)\.sql$/;
const UP_MARKER = /^--\s*migrate:up\b/m;

/** Unreadable files are not evidence either way; loading reports them properly. */
function hasUpMarker(dir: DirectoryListing, name: string): boolean {
  try {
    return UP_MARKER.test(readFileSync(childPath(dir, name), 'utf8'));
  } catch {
    return false;
  }
}

export const dbmateLayout: Layout = {
  name: 'dbmate',
  detect(dir) {
    const numbered = dir.files.filter((f) => FILE.test(f));
    return numbered.slice(0, 3).some((f) => hasUpMarker(dir, f)) ? 0.8 : 0;
  },
  load(dir, context) {
    const entries = dir.files
      .filter((f) => f.endsWith('.sql'))
      .map((name) => {
        const absPath = childPath(dir, name);
        const path = repoPath(context.root, absPath);
        const match = FILE.exec(name);
        if (!match) throw misnamedFileError(path, '<version>_<description>.sql, e.g. 20240101120000_create_users.sql');
        return { version: match[1], description: match[2], path, absPath };
      });
    return sortUnique(entries, (e) => e.version, compareStrings).map((e) => {
      const script = readScript(context, e.absPath);
      const { up, down } = splitDbmateSections(script.text, script.path);
      const native =
        up.options.transaction === 'false'
          ? { transactional: false, transactionSource: `-- migrate:up transaction:false (line ${up.markerLine})` }
          : null;
      return makeMigration('dbmate', script, {
        id: e.version,
        description: e.description,
        native,
        sql: up.sql,
        sqlStartLine: up.startLine,
        // `dbmate new` writes an empty down section; with no SQL in it there is nothing to revert.
        down: down && down.sql.trim() !== '' ? attached(script, down.sql, down.startLine) : null,
      });
    });
  },
};
