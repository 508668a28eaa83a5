/**
 * Which merged pull request introduced each applied migration: the push payload's commits list the
 * files each one added; a commit's pull request comes from GET /repos/{o}/{r}/commits/{sha}/pulls.
 * A migration no listed commit added (a squash merged long ago, a workflow_dispatch run) falls
 * back to the pull request of the head commit.
 */
import * as fs from 'node:fs';
import type { GitHubClient } from '../github/client';

export interface PushCommit {
  id: string;
  added: string[];
}

/** The commits of a push event payload, oldest first; empty for other events or an unreadable payload. */
export function pushCommits(eventName: string, eventPath: string | undefined): PushCommit[] {
  if (eventName !== 'push' || !eventPath) return [];
  try {
    const payload = JSON.parse(fs.readFileSync(eventPath, 'utf8')) as { commits?: { id?: unknown; added?: unknown }[] };
    return (payload.commits ?? [])
      .filter((c) => typeof c.id === 'string')
      .map((c) => ({ id: c.id as string, added: Array.isArray(c.added) ? c.added.filter((a): a is string => typeof a === 'string') : [] }));
  } catch {
    return [];
  }
}

/** The commit that added each path: the latest one listing it (a file re-added after a revert counts from then). */
export function commitsAddingPaths(paths: string[], commits: PushCommit[], headSha: string | null): Map<string, string | null> {
  const result = new Map<string, string | null>();
  for (const p of paths) {
    const adding = [...commits].reverse().find((c) => c.added.includes(p));
    result.set(p, adding?.id ?? headSha);
  }
  return result;
}

export interface RepoTarget {
  owner: string;
  repo: string;
}

/**
 * Group paths by the pull request that introduced them. Paths whose commit has no pull request
 * (a direct push) are left out. The merged pull request wins over open ones that contain the commit.
 */
export async function pullRequestsForPaths(client: GitHubClient, target: RepoTarget, commitOf: Map<string, string | null>): Promise<Map<number, string[]>> {
  const prOfCommit = new Map<string, number | null>();
  const byPr = new Map<number, string[]>();
  for (const [p, sha] of commitOf) {
    if (!sha) continue;
    if (!prOfCommit.has(sha)) prOfCommit.set(sha, await pullRequestOf(client, target, sha));
    const pr = prOfCommit.get(sha);
    if (pr === null || pr === undefined) continue;
    byPr.set(pr, [...(byPr.get(pr) ?? []), p]);
  }
  return byPr;
}

async function pullRequestOf(client: GitHubClient, target: RepoTarget, sha: string): Promise<number | null> {
  const { data } = await client.rest.repos.listPullRequestsAssociatedWithCommit({ ...target, commit_sha: sha, per_page: 100 });
  const merged = data.find((pr) => pr.merged_at);
  return (merged ?? data[0])?.number ?? null;
}
