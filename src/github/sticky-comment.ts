/**
 * One drydock comment per pull request and migrations folder, updated in place. It is recognised
 * by its hidden marker AND its author, so a user quoting the marker or another bot's comment is
 * never overwritten; every page of comments is searched, since busy PRs have more than 100.
 */
import type { GitHubClient } from './client';

export interface IssueTarget {
  owner: string;
  repo: string;
  issueNumber: number;
}

export interface StickyComment {
  id: number;
  body: string;
}

/** The login the token posts as: the token's user, or the Actions bot for GITHUB_TOKEN (GET /user is forbidden to it). */
export async function resolveBotLogin(client: GitHubClient): Promise<string> {
  try {
    const { data } = await client.rest.users.getAuthenticated();
    return data.login;
  } catch {
    return 'github-actions[bot]';
  }
}

export async function findStickyComment(
  client: GitHubClient,
  target: IssueTarget,
  marker: string,
  botLogin: string,
): Promise<StickyComment | null> {
  const pages = client.paginate.iterator(client.rest.issues.listComments, {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issueNumber,
    per_page: 100,
  });
  for await (const page of pages) {
    const ours = page.data.find((c) => c.user?.login === botLogin && (c.body ?? '').startsWith(marker));
    if (ours) return { id: ours.id, body: ours.body ?? '' };
  }
  return null;
}

/** Update the existing comment, or create it. Returns what was done. */
export async function upsertStickyComment(
  client: GitHubClient,
  target: IssueTarget,
  existing: StickyComment | null,
  body: string,
): Promise<{ id: number; action: 'created' | 'updated' | 'unchanged' }> {
  if (existing) {
    if (existing.body === body) return { id: existing.id, action: 'unchanged' };
    await client.rest.issues.updateComment({ owner: target.owner, repo: target.repo, comment_id: existing.id, body });
    return { id: existing.id, action: 'updated' };
  }
  const { data } = await client.rest.issues.createComment({
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issueNumber,
    body,
  });
  return { id: data.id, action: 'created' };
}
