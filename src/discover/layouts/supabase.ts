/**
 * Supabase CLI: `supabase/migrations/<timestamp>_<name>.sql`, applied in version order. The CLI
 * sends each file as one batch, so a file is one implicit transaction; there are no down files.
 */
import { readScript, repoPath } from '../context';
import { compareStrings, sortUnique } from '../ordering';
import { childPath, type Layout, makeMigration, misnamedFileError } from './layout';

const FILE = /^(\d+)_(.*)\.sql$/;

export const supabaseLayout: Layout = {
  name: 'supabase',
  detect(dir) {
    const inSupabaseMigrations = /(^|[\\/])supabase[\\/]migrations$/.test(dir.absPath);
    return inSupabaseMigrations && dir.files.some((f) => FILE.test(f)) ? 0.95 : 0;
  },
  load(dir, context) {
    const entries = dir.files
      .filter((f) => f.endsWith('.sql'))
      .map((name) => {
        const absPath = childPath(dir, name);
        const path = repoPath(context.root, absPath);
        const match = FILE.exec(name);
        if (!match) throw misnamedFileError(path, '<timestamp>_<name>.sql (supabase migration new creates it)');
        return { version: match[1], description: match[2], path, absPath };
      });
    return sortUnique(entries, (e) => e.version, compareStrings).map((e) =>
      makeMigration('supabase', readScript(context, e.absPath), { id: e.version, description: e.description }),
    );
  },
};
