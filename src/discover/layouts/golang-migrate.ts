/**
 * golang-migrate: `<N>_<title>.up.sql` / `<N>_<title>.down.sql`. N is a uint64 applied in numeric
 * order (not zero-padded: 2 < 10); up and down pair by N even when their titles differ.
 */
import { readScript, repoPath } from '../context';
import { compareDigits, sortUnique } from '../ordering';
import { DrydockError } from '../../util/errors';
import { attached, childPath, downWithoutUpError, type Layout, makeMigration, misnamedFileError } from './layout';

const FILE = /^(\d+)_(.*)\.(up|down)\.sql$/;
const UINT64_MAX = 2n ** 64n - 1n;

interface Entry {
  version: string;
  title: string;
  path: string;
  absPath: string;
}

function parseVersion(digits: string, path: string): string {
  const value = BigInt(digits);
  if (value > UINT64_MAX) {
    throw new DrydockError(`version ${digits} does not fit golang-migrate's uint64`, {
      position: { path },
      fix: 'use a smaller version number (a 14-digit timestamp fits)',
    });
  }
  return value.toString();
}

export const golangMigrateLayout: Layout = {
  name: 'golang-migrate',
  detect(dir) {
    return dir.files.some((f) => FILE.test(f) && f.endsWith('.up.sql')) ? 0.85 : 0;
  },
  load(dir, context) {
    const ups: Entry[] = [];
    const downs: Entry[] = [];
    for (const name of dir.files.filter((f) => f.endsWith('.sql'))) {
      const absPath = childPath(dir, name);
      const path = repoPath(context.root, absPath);
      const match = FILE.exec(name);
      if (!match) throw misnamedFileError(path, '<version>_<title>.up.sql or <version>_<title>.down.sql');
      const entry = { version: parseVersion(match[1], path), title: match[2], path, absPath };
      (match[3] === 'up' ? ups : downs).push(entry);
    }
    const downByVersion = new Map(sortUnique(downs, (d) => d.version, compareDigits).map((d) => [d.version, d]));
    const sortedUps = sortUnique(ups, (u) => u.version, compareDigits);
    const upVersions = new Set(sortedUps.map((u) => u.version));
    for (const down of downs) {
      if (!upVersions.has(down.version)) throw downWithoutUpError(down.path, `${down.version}_<title>.up.sql`);
    }
    return sortedUps.map((up) => {
      const down = downByVersion.get(up.version);
      return makeMigration('golang-migrate', readScript(context, up.absPath), {
        id: up.version,
        description: up.title,
        down: down ? attached(readScript(context, down.absPath)) : null,
      });
    });
  },
};
