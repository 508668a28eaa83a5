/**
 * What the Action needs from the workflow event: which repository and pull request, and which
 * commits to compare. Read from GITHUB_EVENT_NAME / GITHUB_EVENT_PATH like the runner provides them.
 */
import * as fs from 'node:fs';
import { DrydockError } from '../util/errors';

export interface EventContext {
  eventName: string;
  owner: string;
  repo: string;
  /** The pull request the event is about, if any. */
  pullNumber: number | null;
  /** Commit the change is compared against (PR base, merge-group base, push "before"). */
  baseSha: string | null;
  /** Commit under review (PR head, merge-group head, push "after"). */
  headSha: string | null;
  /** True when the PR comes from another repository (its token is read-only). */
  fromFork: boolean;
  /** push / workflow_dispatch on the default branch. */
  onDefaultBranch: boolean;
  /** Who triggered the event. */
  sender: string | null;
  labels: string[];
  /** The "action" field: opened, synchronize, labeled, created… */
  action: string | null;
  /** For labeled/unlabeled events. */
  label: string | null;
  /** For issue_comment events. */
  comment: { id: number; body: string; author: string } | null;
  /** Link to this workflow run, for "see the job summary". */
  runUrl: string | null;
}

type Payload = Record<string, any>;

export function readEventContext(env: NodeJS.ProcessEnv = process.env): EventContext {
  const eventName = env.GITHUB_EVENT_NAME;
  const eventPath = env.GITHUB_EVENT_PATH;
  if (!eventName || !eventPath) {
    throw new DrydockError('GITHUB_EVENT_NAME and GITHUB_EVENT_PATH are not set', {
      fix: 'run drydock as a GitHub Action, or use the CLI (`drydock check`) outside GitHub Actions',
    });
  }
  let payload: Payload;
  try {
    payload = JSON.parse(fs.readFileSync(eventPath, 'utf8')) as Payload;
  } catch (e) {
    throw new DrydockError(`cannot read the event payload: ${(e as Error).message}`, { position: { path: eventPath } });
  }
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? payload.repository?.full_name ?? '/').split('/');
  const pr = payload.pull_request ?? null;
  const defaultBranch: string | undefined = payload.repository?.default_branch;
  const context: EventContext = {
    eventName,
    owner,
    repo,
    pullNumber: pr?.number ?? (payload.issue?.pull_request ? payload.issue.number : null),
    baseSha: null,
    headSha: null,
    fromFork: false,
    onDefaultBranch: false,
    sender: payload.sender?.login ?? null,
    labels: ((pr ?? payload.issue)?.labels ?? []).map((l: { name: string }) => l.name),
    action: payload.action ?? null,
    label: payload.label?.name ?? null,
    comment: payload.comment ? { id: payload.comment.id, body: payload.comment.body ?? '', author: payload.comment.user?.login ?? '' } : null,
    runUrl: env.GITHUB_RUN_ID
      ? `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${owner}/${repo}/actions/runs/${env.GITHUB_RUN_ID}`
      : null,
  };
  if (pr) {
    context.baseSha = pr.base?.sha ?? null;
    context.headSha = pr.head?.sha ?? null;
    context.fromFork = Boolean(pr.head?.repo && pr.base?.repo && pr.head.repo.full_name !== pr.base.repo.full_name);
  } else if (eventName === 'merge_group') {
    context.baseSha = payload.merge_group?.base_sha ?? null;
    context.headSha = payload.merge_group?.head_sha ?? null;
    // The queue branch names the PR (gh-readonly-queue/main/pr-123-<sha>): its acknowledgements apply.
    const queued = /\/pr-(\d+)-[0-9a-f]+$/.exec(payload.merge_group?.head_ref ?? '');
    context.pullNumber = queued ? Number(queued[1]) : null;
  } else if (eventName === 'push') {
    // A new branch's "before" is all zeros: there is no base to compare against.
    context.baseSha = /^0+$/.test(payload.before ?? '') ? null : (payload.before ?? null);
    context.headSha = payload.after ?? null;
    context.onDefaultBranch = Boolean(defaultBranch) && payload.ref === `refs/heads/${defaultBranch}`;
  } else if (eventName === 'workflow_run') {
    // The commit the triggering run built; the PR number comes from its artifact and is checked against it.
    context.headSha = payload.workflow_run?.head_sha ?? null;
  } else if (eventName === 'workflow_dispatch') {
    context.headSha = env.GITHUB_SHA ?? null;
    context.onDefaultBranch = Boolean(defaultBranch) && payload.ref === `refs/heads/${defaultBranch}`;
  }
  return context;
}
