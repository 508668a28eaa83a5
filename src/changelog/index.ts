/**
 * The deploy changelog (docs/changelog.md): entries from the parsed statements of the applied
 * migrations, rendered as Markdown and JSON, and posted to GitHub (PR comments, deployment status,
 * CHANGELOG.md through the contents API).
 */
export { changelogEntry, rollbackIsSql, IRREVERSIBLE } from './entries';
export { describeStatement } from './describe';
export type { StatementDescription } from './describe';
export { deployMarkdown, entriesMarkdown } from './markdown';
export { writeChangelogFiles } from './files';
export type { ChangelogFiles } from './files';
export { pushCommits, commitsAddingPaths, pullRequestsForPaths } from './pull-requests';
export type { PushCommit, RepoTarget } from './pull-requests';
export { postPullRequestComments, commentMarker } from './pr-comments';
export { GitHubDeployment } from './deployment';
export type { DeploymentRequest, DeploymentState } from './deployment';
export { appendToChangelogFile, appendSection } from './changelog-file';
export type * from './types';
