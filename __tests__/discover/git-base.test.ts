import { execFileSync } from 'node:child_process';
import { appendFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { discover } from '../../src/discover';
import { gitToplevel } from '../../src/discover/git';
import { drydockError, makeTree, removeTrees } from './tree';

afterAll(removeTrees);

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
  });
}

/** A repository on branch main whose one commit holds `files`. */
function committedRepository(files: Record<string, string>): string {
  const repo = makeTree(files);
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'history');
  return repo;
}

/** A repository whose first commit holds three migrations, then a working tree with changes. */
function repositoryWithChanges(): string {
  const repo = committedRepository({
    'db/migrations/1_a.up.sql': 'CREATE TABLE a (id int);',
    'db/migrations/1_a.down.sql': 'DROP TABLE a;',
    'db/migrations/2_b.up.sql': 'CREATE TABLE b (id int);',
    'db/migrations/3_c.up.sql': 'CREATE TABLE c (id int);',
  });
  git(repo, 'checkout', '-q', '-b', 'feature');
  // committed on the branch, staged, and untracked additions all count as new
  writeFileSync(path.join(repo, 'db/migrations/4_d.up.sql'), 'CREATE TABLE d (id int);');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'add d');
  writeFileSync(path.join(repo, 'db/migrations/5_e.up.sql'), 'CREATE TABLE e (id int);');
  git(repo, 'add', 'db/migrations/5_e.up.sql');
  writeFileSync(path.join(repo, 'db/migrations/6_f.up.sql'), 'CREATE TABLE f (id int);');
  appendFileSync(path.join(repo, 'db/migrations/2_b.up.sql'), '\nALTER TABLE b ADD x int;');
  rmSync(path.join(repo, 'db/migrations/3_c.up.sql'));
  return repo;
}

describe('--base', () => {
  it('marks migrations added since base as new and reports edits and deletions of older ones', async () => {
    const repo = repositoryWithChanges();
    const result = await discover({ dirs: ['db/migrations'], cwd: repo, base: 'main' });
    expect(result.migrations.map((m) => [m.id, m.isNew])).toEqual([
      ['1', false],
      ['2', false],
      ['4', true],
      ['5', true],
      ['6', true],
    ]);
    expect(result.integrity).toEqual([
      { kind: 'modified', path: 'db/migrations/2_b.up.sql', message: expect.stringContaining('modified since main') },
      { kind: 'deleted', path: 'db/migrations/3_c.up.sql', message: expect.stringContaining('deleted since main') },
    ]);
  });

  it('re-runs an edited Flyway repeatable instead of reporting it, and reports an edited down script', async () => {
    const repo = committedRepository({
      'db/V1__a.sql': 'CREATE TABLE a (id int);',
      'db/U1__a.sql': 'DROP TABLE a;',
      'db/R__view.sql': 'CREATE OR REPLACE VIEW v AS SELECT 1;',
    });
    writeFileSync(path.join(repo, 'db/R__view.sql'), 'CREATE OR REPLACE VIEW v AS SELECT 2;');
    writeFileSync(path.join(repo, 'db/U1__a.sql'), 'DROP TABLE IF EXISTS a;');
    const result = await discover({ dirs: ['db'], cwd: repo, base: 'HEAD' });
    expect(result.migrations.map((m) => [m.id, m.direction, m.isNew])).toEqual([
      ['1', 'up', false],
      ['view', 'repeatable', true],
    ]);
    expect(result.integrity).toEqual([{ kind: 'modified', path: 'db/U1__a.sql', message: 'down script of an applied migration modified since HEAD' }]);
  });

  it('makes paths relative to the repository root when run from a subdirectory', async () => {
    const repo = repositoryWithChanges();
    const result = await discover({ dirs: ['migrations'], cwd: path.join(repo, 'db'), base: 'main' });
    expect(result.sources[0].dir).toBe('db/migrations');
    expect(result.migrations.filter((m) => m.isNew).map((m) => m.path)).toEqual([
      'db/migrations/4_d.up.sql',
      'db/migrations/5_e.up.sql',
      'db/migrations/6_f.up.sql',
    ]);
  });

  it('treats every migration as new without a base', async () => {
    const repo = repositoryWithChanges();
    const result = await discover({ dirs: ['db/migrations'], cwd: repo });
    expect(result.migrations.every((m) => m.isNew)).toBe(true);
    expect(result.integrity).toEqual([]);
  });

  it('rejects an unknown ref, and a ref that looks like an option', async () => {
    const repo = repositoryWithChanges();
    const unknown = await drydockError(discover({ dirs: ['db/migrations'], cwd: repo, base: 'origin/nope' }));
    expect(unknown.message).toBe('unknown git ref "origin/nope" (given as --base)');
    expect(unknown.fix).toContain('fetch-depth: 0');
    const option = await drydockError(discover({ dirs: ['db/migrations'], cwd: repo, base: '--output=/tmp/x' }));
    expect(option.message).toBe('unknown git ref "--output=/tmp/x" (given as --base)');
  });
});

describe('the repository root (paths in reports are relative to it)', () => {
  it('is the directory git names as the toplevel, also from a subdirectory and a linked worktree', () => {
    const repo = repositoryWithChanges();
    const subdirectory = realpathSync(path.join(repo, 'db', 'migrations'));
    expect(gitToplevel(subdirectory)).toBe(git(subdirectory, 'rev-parse', '--show-toplevel').trim());

    // A linked worktree has a .git file, not a directory.
    const worktree = path.join(makeTree({}), 'linked');
    git(repo, 'worktree', 'add', '-q', worktree, 'main');
    const inWorktree = realpathSync(path.join(worktree, 'db'));
    expect(gitToplevel(inWorktree)).toBe(git(inWorktree, 'rev-parse', '--show-toplevel').trim());
  });

  it('is null outside a repository', () => {
    expect(gitToplevel(realpathSync(makeTree({ 'x.sql': 'SELECT 1;' })))).toBeNull();
  });
});

describe('an edited Flyway repeatable migration', () => {
  it('is new, and its way back is its text at the base, placeholders substituted as Flyway runs it', async () => {
    const repo = committedRepository({
      'db/V1__users.sql': 'CREATE TABLE users (id int, name text);',
      'db/R__user_names.sql': 'DROP VIEW IF EXISTS user_names;\nCREATE VIEW ${schema}.user_names AS SELECT name FROM users;',
      'db/R__untouched.sql': 'CREATE OR REPLACE VIEW ids AS SELECT id FROM users;',
    });
    writeFileSync(path.join(repo, 'db/R__user_names.sql'), 'DROP VIEW IF EXISTS user_names;\nCREATE VIEW ${schema}.user_names AS SELECT id, name FROM users;');
    writeFileSync(path.join(repo, 'db/R__added.sql'), 'CREATE OR REPLACE VIEW names AS SELECT name FROM users;');

    const result = await discover({ dirs: ['db'], cwd: repo, base: 'main', placeholders: { schema: 'public' } });
    const byId = new Map(result.migrations.map((m) => [m.id, m]));
    expect(byId.get('user_names')).toMatchObject({
      isNew: true,
      sql: 'DROP VIEW IF EXISTS user_names;\nCREATE VIEW public.user_names AS SELECT id, name FROM users;',
      down: { path: 'db/R__user_names.sql@main', sql: 'DROP VIEW IF EXISTS user_names;\nCREATE VIEW public.user_names AS SELECT name FROM users;', sqlStartLine: 1 },
    });
    // Added since the base: nothing earlier to go back to (the generated rollback applies).
    expect(byId.get('added')).toMatchObject({ isNew: true, down: null });
    expect(byId.get('untouched')).toMatchObject({ isNew: false, down: null });
    expect(result.integrity).toEqual([]);
  });
});
