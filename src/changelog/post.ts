/**
 * Posting a changelog to GitHub after the database changed. Every post is best effort: the deploy
 * already happened, so a refused write (a read-only token, a missing permission) becomes a warning
 * that names the permission, never a failed step.
 */
import { httpStatus, type GitHubClient } from '../github/client';
import { redact } from '../util/secrets';
import { appendToChangelogFile } from './changelog-file';
import { postPullRequestComments } from './pr-comments';
import { commitsAddingPaths, pullRequestsForPaths, type PushCommit, type RepoTarget } from './pull-requests';
import type { DeployChangelog } from './types';

export interface PostContext {
  client: GitHubClient;
  target: RepoTarget;
  warn: (message: string) => void;
  runUrl: string | null;
}

/** Run one GitHub write; on failure warn (with the permission it needs) and go on. */
export async function bestEffort<T>(context: Pick<PostContext, 'warn'>, what: string, permission: string, fn: () => Promise<T>): Promise<T | null> {
  try {
    return await fn();
  } catch (error) {
    const status = httpStatus(error);
    const hint = status === 403 || status === 404 ? ` The token needs \`permissions: ${permission}\`.` : '';
    context.warn(redact(`drydock could not ${what}: ${(error as Error).message}.${hint}`));
    return null;
  }
}

export interface AppliedMigrationSource {
  /** version → the migration file's path in the repository. */
  paths: Map<string, string>;
  /** The push's commits (empty outside push events). */
  commits: PushCommit[];
  /** Fallback commit for migrations no listed commit added. */
  headSha: string | null;
}

/** A comment on every merged PR that introduced one of the applied migrations. Returns PR number → comment id. */
export async function commentOnPullRequests(context: PostContext, changelog: DeployChangelog, source: AppliedMigrationSource): Promise<Map<number, number>> {
  const versionOfPath = new Map([...source.paths].map(([version, p]) => [p, version]));
  const found = await bestEffort(context, 'find the pull requests of the applied migrations', 'contents: read', () =>
    pullRequestsForPaths(context.client, context.target, commitsAddingPaths([...versionOfPath.keys()], source.commits, source.headSha)),
  );
  if (!found || found.size === 0) return new Map();
  const prs = [...found].map(([pullNumber, paths]) => {
    const versions = new Set(paths.map((p) => versionOfPath.get(p)));
    return { pullNumber, entries: changelog.entries.filter((e) => versions.has(e.version)) };
  });
  const posted = await bestEffort(context, 'comment the changelog on the merged pull requests', 'pull-requests: write', () =>
    postPullRequestComments(context.client, context.target, changelog, prs, source.paths, context.runUrl),
  );
  return posted ?? new Map();
}

/** Append the section to the repository's changelog file (contents API). Returns the commit sha. */
export async function commitChangelogFile(context: PostContext, path: string, section: string, message: string): Promise<string | null> {
  return bestEffort(context, `update ${path}`, 'contents: write', () =>
    appendToChangelogFile(context.client, context.target, { path, section, message: `${message} [skip ci]` }),
  );
}
