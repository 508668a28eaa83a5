/** Which layout a directory is in, and where the migration folders below a directory are. */
import * as path from 'node:path';
import { LAYOUTS } from './layouts';
import { isInitScriptDir } from './layouts/plain';
import { type DirectoryListing, type Layout, listDirectory } from './layouts/layout';

/** Build output, dependencies and VCS data never hold the project's migrations. */
const SKIPPED_DIRS = new Set(['node_modules', '.git', 'dist', 'lib']);

export interface DetectedSource {
  dir: DirectoryListing;
  layout: Layout;
}

/** The most confident layout for the directory, or null when none matches. */
export function detectLayout(dir: DirectoryListing, candidates: readonly Layout[] = LAYOUTS): Layout | null {
  let best: Layout | null = null;
  let bestScore = 0;
  for (const layout of candidates) {
    const score = layout.detect(dir);
    if (score > bestScore) [best, bestScore] = [layout, score];
  }
  return best;
}

/**
 * Every migration folder at or below `start`: a folder in a known layout is a source and is not
 * searched further (diesel's and Prisma's per-migration directories belong to it).
 */
export function findSources(start: string, candidates: readonly Layout[] = LAYOUTS): DetectedSource[] {
  const found: DetectedSource[] = [];
  const visit = (absPath: string) => {
    const dir = listDirectory(absPath);
    const layout = detectLayout(dir, candidates);
    if (layout) {
      found.push({ dir, layout });
      return;
    }
    for (const name of dir.dirs) {
      if (!SKIPPED_DIRS.has(name) && !name.startsWith('.')) visit(path.join(absPath, name));
    }
  };
  visit(start);
  return found.sort(compareSources);
}

/** Init scripts (run by the database container before any runner) first, then by path. */
function compareSources(a: DetectedSource, b: DetectedSource): number {
  const initA = isInitScriptDir(path.basename(a.dir.absPath)) ? 0 : 1;
  const initB = isInitScriptDir(path.basename(b.dir.absPath)) ? 0 : 1;
  if (initA !== initB) return initA - initB;
  return a.dir.absPath < b.dir.absPath ? -1 : a.dir.absPath > b.dir.absPath ? 1 : 0;
}
