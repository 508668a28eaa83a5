/**
 * The changelog comment on each merged pull request whose migrations a deploy applied: only that
 * PR's migrations, once per deploy (a re-run of the same deploy updates its comment in place).
 */
import type { GitHubClient } from '../github/client';
import { findStickyComment, resolveBotLogin, upsertStickyComment } from '../github/sticky-comment';
import { inline } from '../report/markdown/escape';
import { entriesMarkdown } from './markdown';
import type { RepoTarget } from './pull-requests';
import type { ChangelogEntry, DeployChangelog } from './types';

export interface PullRequestChangelog {
  pullNumber: number;
  entries: ChangelogEntry[];
}

export function commentMarker(changelog: DeployChangelog): string {
  return `<!-- drydock:changelog ${encodeURIComponent(changelog.environment)} ${encodeURIComponent(changelog.deployId)} -->`;
}

export function commentBody(changelog: DeployChangelog, pr: PullRequestChangelog, paths: Map<string, string>, runUrl: string | null): string {
  const count = pr.entries.length;
  const lines = [
    commentMarker(changelog),
    `## 🚢 drydock deployed ${count} migration${count === 1 ? '' : 's'} from this pull request to ${inline(changelog.environment)}`,
    '',
    `Deploy ${inline(changelog.deployId)}: ${inline(changelog.outcome)}${runUrl ? ` · [workflow run](${runUrl})` : ''}`,
    '',
    entriesMarkdown(pr.entries, { paths }, 3),
  ];
  return lines.join('\n').trimEnd() + '\n';
}

/** Post (or update) one comment per pull request; returns the comment ids by PR number. */
export async function postPullRequestComments(
  client: GitHubClient,
  target: RepoTarget,
  changelog: DeployChangelog,
  prs: PullRequestChangelog[],
  paths: Map<string, string>,
  runUrl: string | null,
): Promise<Map<number, number>> {
  const posted = new Map<number, number>();
  if (prs.length === 0) return posted;
  const botLogin = await resolveBotLogin(client);
  for (const pr of prs) {
    const issue = { ...target, issueNumber: pr.pullNumber };
    const existing = await findStickyComment(client, issue, commentMarker(changelog), botLogin);
    const result = await upsertStickyComment(client, issue, existing, commentBody(changelog, pr, paths, runUrl));
    posted.set(pr.pullNumber, result.id);
  }
  return posted;
}
