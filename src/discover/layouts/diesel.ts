/**
 * diesel: `<version>_<name>/up.sql` with an optional `down.sql` and `metadata.toml`
 * (`run_in_transaction = false`). The version is the directory name before the first "_" with
 * dashes removed (`2019-02-26-002946_create_user` → 20190226002946).
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { parseToml } from '../toml';
import { DrydockError } from '../../util/errors';
import { type LoadContext, readScript, repoPath } from '../context';
import type { TransactionMode } from '../directives';
import { compareStrings, sortUnique } from '../ordering';
import { attached, childPath, type DirectoryListing, downWithoutUpError, type Layout, makeMigration, missingFileError } from './layout';

function dieselVersion(dirName: string): string {
  return dirName.split('_', 1)[0].replace(/-/g, '');
}

/** `run_in_transaction = false` from metadata.toml, or null when absent or true. */
function metadataTransaction(migrationDir: string, context: LoadContext): TransactionMode | null {
  const absPath = path.join(migrationDir, 'metadata.toml');
  if (!existsSync(absPath)) return null;
  const script = readScript(context, absPath);
  let metadata: Record<string, unknown>;
  try {
    metadata = parseToml(script.text);
  } catch (error) {
    const line = (error as { line?: number }).line;
    throw new DrydockError(`metadata.toml is not valid TOML: ${(error as Error).message.split('\n')[0]}`, {
      position: { path: script.path, line },
      fix: 'write it as TOML, e.g. run_in_transaction = false',
    });
  }
  if (metadata.run_in_transaction !== false) return null;
  return { transactional: false, transactionSource: `${script.path}: run_in_transaction = false` };
}

function isDieselMigration(dir: DirectoryListing, name: string): boolean {
  return existsSync(path.join(dir.absPath, name, 'up.sql'));
}

export const dieselLayout: Layout = {
  name: 'diesel',
  detect(dir) {
    if (dir.dirs.includes('00000000000000_diesel_initial_setup')) return 1;
    return dir.dirs.slice(0, 5).some((d) => isDieselMigration(dir, d)) ? 0.9 : 0;
  },
  load(dir, context) {
    const entries = dir.dirs.map((name) => {
      const migrationDir = childPath(dir, name);
      const up = path.join(migrationDir, 'up.sql');
      const down = path.join(migrationDir, 'down.sql');
      if (!existsSync(up)) {
        if (existsSync(down)) throw downWithoutUpError(repoPath(context.root, down), `${name}/up.sql`);
        throw missingFileError(repoPath(context.root, migrationDir), 'up.sql');
      }
      return { name, version: dieselVersion(name), migrationDir, path: repoPath(context.root, up), up, down };
    });
    return sortUnique(entries, (e) => e.version, compareStrings).map((e) =>
      makeMigration('diesel', readScript(context, e.up), {
        id: e.version,
        description: e.name.slice(e.name.indexOf('_') + 1),
        native: metadataTransaction(e.migrationDir, context),
        down: existsSync(e.down) ? attached(readScript(context, e.down)) : null,
      }),
    );
  },
};
