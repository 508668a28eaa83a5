/**
 * Discovery: find the migration folders, detect their layouts, read, order and pair the scripts,
 * and mark what is new since --base. It never parses SQL (the engine does).
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { IntegrityIssue, LayoutName } from '../report/types';
import { LAYOUT_NAMES } from '../report/types';
import { DrydockError } from '../util/errors';
import { type LoadContext, repoPath } from './context';
import { type DetectedSource, detectLayout, findSources } from './detect';
import { changesSince, type GitChanges, gitToplevel, textAt } from './git';
import { earlierRepeatableSql } from './layouts/flyway';
import { LAYOUTS, layoutByName } from './layouts';
import { type Layout, listDirectory } from './layouts/layout';
import type { DiscoveredSource, DiscoveryOptions, DiscoveryResult, MigrationFile } from './types';

export type { DiscoveredSource, DiscoveryOptions, DiscoveryResult, MigrationFile } from './types';

const SIGNALS =
  'sqitch.plan, supabase/migrations, migration_lock.toml or <dir>/migration.sql (Prisma), <dir>/up.sql (diesel), ' +
  'V<version>__<desc>.sql (Flyway), <N>_<name>.up.sql (golang-migrate), "-- migrate:up" (dbmate), <number>_<name>.sql (plain)';

function forcedLayout(name: LayoutName | undefined): Layout | null {
  if (name === undefined) return null;
  const layout = layoutByName(name);
  if (!layout) {
    throw new DrydockError(`unknown layout "${name}"`, { fix: `use one of: ${LAYOUT_NAMES.join(', ')}` });
  }
  return layout;
}

function existingDirectory(dir: string, cwd: string, root: string): string {
  const absPath = path.resolve(cwd, dir);
  if (!existsSync(absPath)) {
    throw new DrydockError('migration directory does not exist', {
      position: { path: repoPath(root, absPath) },
      fix: 'check the path (it is resolved against the working directory)',
    });
  }
  if (!statSync(absPath).isDirectory()) {
    throw new DrydockError('expected a migration directory, found a file', {
      position: { path: repoPath(root, absPath) },
      fix: 'pass the folder that holds the migrations',
    });
  }
  return absPath;
}

/** Sources for one directory given by the user: the directory itself, else the folders below it. */
function sourcesIn(absPath: string, forced: Layout | null, root: string): DetectedSource[] {
  const listing = listDirectory(absPath);
  if (forced) return [{ dir: listing, layout: forced }];
  const layout = detectLayout(listing);
  if (layout) return [{ dir: listing, layout }];
  const below = findSources(absPath);
  if (below.length === 0) {
    throw new DrydockError('no migration layout detected', {
      position: { path: repoPath(root, absPath) },
      details: [`looked for: ${SIGNALS}`],
      fix: 'pass the folder that holds the migrations, or force a layout with --layout',
    });
  }
  return below;
}

function autoDetectedSources(cwd: string, forced: Layout | null, root: string): DetectedSource[] {
  const sources = findSources(cwd, forced ? [forced] : LAYOUTS);
  if (sources.length === 0) {
    throw new DrydockError(`no migration folder found below ${repoPath(root, cwd)}`, {
      details: [`looked for: ${SIGNALS}`, 'skipped: node_modules, .git, dist, lib and hidden folders'],
      fix: 'pass the migration folder as an argument',
    });
  }
  return sources;
}

function loadSource(source: DetectedSource, context: LoadContext): DiscoveredSource {
  const dir = repoPath(context.root, source.dir.absPath);
  const migrations = source.layout.load(source.dir, context);
  if (migrations.length === 0) {
    throw new DrydockError(`no migrations found (layout ${source.layout.name})`, {
      position: { path: dir },
      fix: 'add a migration, or pass the folder that holds them',
    });
  }
  return { dir, layout: source.layout.name, migrations };
}

/**
 * The way back from an edited repeatable migration is the text it had at the base: Flyway runs a
 * repeatable again whenever it changes, so re-applying the earlier text restores the earlier
 * objects. It becomes the migration's down script, which the dry run's round trip then proves.
 * A repeatable added since the base has no earlier text and keeps the generated rollback.
 */
function attachEarlierRepeatables(sources: DiscoveredSource[], changes: GitChanges, base: string, toplevel: string, context: LoadContext): void {
  for (const source of sources) {
    for (const m of source.migrations) {
      if (m.direction !== 'repeatable' || !changes.modified.has(m.path) || m.down) continue;
      const text = textAt(base, m.path, toplevel).replace(/\r\n/g, '\n');
      const sql = earlierRepeatableSql(text, m, path.join(context.root, source.dir), context);
      m.down = { path: `${m.path}@${base}`, absPath: m.absPath, sql, sqlStartLine: 1 };
    }
  }
}

/** Marks history vs new and collects edits to, and deletions of, migrations that already existed. */
function applyBase(sources: DiscoveredSource[], changes: GitChanges, base: string): IntegrityIssue[] {
  const integrity: IntegrityIssue[] = [];
  for (const source of sources) {
    for (const m of source.migrations) {
      const touched = changes.added.has(m.path) || changes.modified.has(m.path);
      // Flyway re-runs a repeatable migration whenever it changes: an edit makes it pending again.
      m.isNew = m.direction === 'repeatable' ? touched : changes.added.has(m.path);
      if (m.direction === 'repeatable') continue;
      if (changes.modified.has(m.path)) {
        integrity.push({ kind: 'modified', path: m.path, message: `migration modified since ${base}: databases that already applied it will not run the edit` });
      }
      if (m.down && changes.modified.has(m.down.path) && !m.isNew) {
        integrity.push({ kind: 'modified', path: m.down.path, message: `down script of an applied migration modified since ${base}` });
      }
    }
    const prefix = source.dir === '.' ? '' : `${source.dir}/`;
    for (const deleted of [...changes.deleted].sort()) {
      if (deleted.startsWith(prefix) && deleted.endsWith('.sql')) {
        integrity.push({ kind: 'deleted', path: deleted, message: `migration file deleted since ${base}: databases that applied it keep its changes` });
      }
    }
  }
  return integrity;
}

function realpathOrSelf(absPath: string): string {
  return existsSync(absPath) ? realpathSync(absPath) : absPath;
}

export async function discover(options: DiscoveryOptions): Promise<DiscoveryResult> {
  // git reports the toplevel with symlinks resolved; resolve cwd the same way so paths relate.
  const cwd = realpathOrSelf(path.resolve(options.cwd));
  const forced = forcedLayout(options.layout);
  const toplevel = gitToplevel(cwd);
  const context: LoadContext = { root: toplevel ?? cwd, placeholders: options.placeholders ?? {} };
  const detected =
    options.dirs.length === 0
      ? autoDetectedSources(cwd, forced, context.root)
      : options.dirs.flatMap((dir) => sourcesIn(existingDirectory(dir, cwd, context.root), forced, context.root));
  const sources = detected.map((source) => loadSource(source, context));
  const changes = options.base ? changesSince(options.base, toplevel, cwd) : null;
  const integrity = changes ? applyBase(sources, changes, options.base!) : [];
  if (changes) attachEarlierRepeatables(sources, changes, options.base!, toplevel!, context);
  const migrations: MigrationFile[] = sources.flatMap((s) => s.migrations);
  return { sources, migrations, integrity };
}
