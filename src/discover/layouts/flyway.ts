/**
 * Flyway: `V<version>__<desc>.sql` versioned, `U<version>__` undo (paired as the down script),
 * `R__<desc>.sql` repeatable (run after all versioned ones, ordered by description) and
 * `B<version>__` baseline. Versions compare numerically per `.`/`_` part. Placeholders are
 * substituted and `<script>.conf` settings honoured before anything parses the SQL.
 */
import * as path from 'node:path';
import { type LoadContext, readScript, repoPath, type Script } from '../context';
import { compareFlywayVersions, compareStrings, flywayVersionParts, sortUnique } from '../ordering';
import type { MigrationFile } from '../types';
import { readConfiguredPlaceholders, readScriptConfig } from './flyway-config';
import { substitutePlaceholders } from './flyway-placeholders';
import { attached, type DirectoryListing, downWithoutUpError, type Layout, listDirectory, makeMigration, misnamedFileError } from './layout';

const VERSIONED = /^([VUB])(\d+(?:[._]\d+)*)__(.+)\.sql$/;
const REPEATABLE = /^R__(.+)\.sql$/;
/** Callback scripts (beforeMigrate.sql, afterEachMigrateError__notify.sql…) are not migrations. */
const CALLBACK = /^(before|after)[A-Za-z]+(__.*)?\.sql$/;
const EXPECTED = 'V<version>__<description>.sql, U<version>__…, B<version>__… or R__<description>.sql';

interface Entry {
  prefix: 'V' | 'U' | 'B' | 'R';
  version: string;
  description: string;
  path: string;
  absPath: string;
}

/** Flyway scans its locations recursively. */
function sqlFiles(dir: DirectoryListing): string[] {
  const here = dir.files.filter((f) => f.endsWith('.sql')).map((f) => path.join(dir.absPath, f));
  return here.concat(...dir.dirs.map((d) => sqlFiles(listDirectory(path.join(dir.absPath, d)))));
}

function classify(absPath: string, context: LoadContext): Entry | null {
  const name = path.basename(absPath);
  const file = { path: repoPath(context.root, absPath), absPath };
  const versioned = VERSIONED.exec(name);
  if (versioned) {
    return { prefix: versioned[1] as Entry['prefix'], version: versioned[2], description: versioned[3], ...file };
  }
  const repeatable = REPEATABLE.exec(name);
  if (repeatable) return { prefix: 'R', version: '', description: repeatable[1], ...file };
  if (CALLBACK.test(name)) return null;
  throw misnamedFileError(file.path, EXPECTED);
}

/** The script's SQL as Flyway would run it. */
function flywaySql(script: Script, placeholders: Record<string, string>, replace: boolean): string {
  return replace ? substitutePlaceholders(script.text, script.path, path.basename(script.absPath), placeholders) : script.text;
}

function normalVersion(version: string): string {
  return flywayVersionParts(version).join('.');
}

/**
 * A repeatable migration's text as it was at an earlier commit, as Flyway would run it: with the
 * placeholders and `.conf` settings of the folder as they are now. Re-applying that earlier text
 * is how a change to a repeatable is undone.
 */
export function earlierRepeatableSql(text: string, script: { path: string; absPath: string }, sourceDir: string, context: LoadContext): string {
  const placeholders = { ...readConfiguredPlaceholders([context.root, sourceDir], context), ...context.placeholders };
  const earlier: Script = { path: script.path, absPath: script.absPath, text, checksum: '' };
  return flywaySql(earlier, placeholders, readScriptConfig(script.absPath, context).placeholderReplacement);
}

export const flywayLayout: Layout = {
  name: 'flyway',
  detect(dir) {
    if (dir.files.includes('flyway.conf') || dir.files.includes('flyway.toml')) return 0.95;
    return dir.files.some((f) => VERSIONED.test(f) && f.startsWith('V')) ? 0.9 : 0;
  },
  load(dir, context) {
    const placeholders = {
      ...readConfiguredPlaceholders([context.root, dir.absPath], context),
      ...context.placeholders,
    };
    const entries = sqlFiles(dir)
      .map((f) => classify(f, context))
      .filter((e): e is Entry => e !== null);
    const byPrefix = (prefix: Entry['prefix']) => entries.filter((e) => e.prefix === prefix);

    const undos = new Map(sortUnique(byPrefix('U'), (u) => u.version, compareFlywayVersions).map((u) => [normalVersion(u.version), u]));
    let versioned = sortUnique(byPrefix('V'), (v) => v.version, compareFlywayVersions);
    const known = new Set(versioned.map((v) => normalVersion(v.version)));
    for (const undo of undos.values()) {
      if (!known.has(normalVersion(undo.version))) throw downWithoutUpError(undo.path, `V${undo.version}__<description>.sql`);
    }
    // A fresh database starts from the latest baseline and then takes the versions above it.
    const baseline = sortUnique(byPrefix('B'), (b) => b.version, compareFlywayVersions).pop();
    if (baseline) versioned = [baseline, ...versioned.filter((v) => compareFlywayVersions(v.version, baseline.version) > 0)];
    const repeatables = sortUnique(byPrefix('R'), (r) => r.description, compareStrings);

    const build = (entry: Entry): MigrationFile => {
      const script = readScript(context, entry.absPath);
      const config = readScriptConfig(entry.absPath, context);
      const undo = entry.prefix === 'V' ? undos.get(normalVersion(entry.version)) : undefined;
      const undoScript = undo ? readScript(context, undo.absPath) : null;
      return makeMigration('flyway', script, {
        id: entry.prefix === 'R' ? entry.description : entry.version.replace(/_/g, '.'),
        description: entry.description.replace(/_/g, ' '),
        direction: entry.prefix === 'R' ? 'repeatable' : 'up',
        native: config.noTransactionSource ? { transactional: false, transactionSource: config.noTransactionSource } : null,
        sql: flywaySql(script, placeholders, config.placeholderReplacement),
        down: undoScript
          ? attached(undoScript, flywaySql(undoScript, placeholders, readScriptConfig(undoScript.absPath, context).placeholderReplacement))
          : null,
      });
    };
    return [...versioned.map(build), ...repeatables.map(build)];
  },
};
