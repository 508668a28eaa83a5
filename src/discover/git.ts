/**
 * What changed between a base ref and the working tree, from git itself (argument arrays only,
 * never a shell string, so ref names cannot inject commands).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { DrydockError } from '../util/errors';

export interface GitChanges {
  /** Repository-relative paths ("/" separators), untracked files counted as added. */
  added: Set<string>;
  modified: Set<string>;
  deleted: Set<string>;
}

function git(args: string[], cwd: string): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
}

/**
 * The repository's top-level directory, or null outside a git work tree. `cwd` has its symlinks
 * resolved, as git reports the toplevel. The nearest directory holding `.git` (a directory, or the
 * file a worktree or submodule has) is what `git rev-parse --show-toplevel` answers, without the
 * ~20 ms of starting git on every run; git itself is asked only when GIT_DIR or GIT_WORK_TREE point
 * elsewhere.
 */
export function gitToplevel(cwd: string): string | null {
  if (process.env.GIT_DIR || process.env.GIT_WORK_TREE) {
    try {
      return git(['rev-parse', '--show-toplevel'], cwd).trim() || null;
    } catch {
      return null;
    }
  }
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, '.git'))) return dir;
    if (path.dirname(dir) === dir) return null;
  }
}

/** A file's text at `ref` ("/"-separated repository path), as git stores it (CRLF kept). */
export function textAt(ref: string, file: string, toplevel: string): string {
  return git(['show', `${ref}:${file}`], toplevel);
}

export function changesSince(base: string, toplevel: string | null, cwd: string): GitChanges {
  if (!toplevel) {
    throw new DrydockError(`--base ${base} needs a git repository, but ${cwd} is not inside one`, {
      fix: 'run drydock inside the repository checkout, or leave out --base to treat every migration as new',
    });
  }
  try {
    if (base.startsWith('-')) throw new Error('looks like an option');
    git(['rev-parse', '--verify', '--quiet', `${base}^{commit}`], toplevel);
  } catch {
    throw new DrydockError(`unknown git ref "${base}" (given as --base)`, {
      fix: 'fetch it first (git fetch origin <branch>); in GitHub Actions check out with fetch-depth: 0',
    });
  }
  const changes: GitChanges = { added: new Set(), modified: new Set(), deleted: new Set() };
  // -z: NUL-separated "status\0path\0" pairs, so unusual file names need no unquoting.
  const fields = git(['diff', '--name-status', '--no-renames', '-z', base, '--'], toplevel).split('\0');
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [status, file] = [fields[i], fields[i + 1]];
    if (status === 'A') changes.added.add(file);
    else if (status === 'D') changes.deleted.add(file);
    else changes.modified.add(file);
  }
  for (const file of git(['ls-files', '--others', '--exclude-standard', '-z'], toplevel).split('\0')) {
    if (file) changes.added.add(file);
  }
  return changes;
}
