/**
 * `check` on a pull request (or merge group): run the engine, apply the acknowledgements kept in
 * the sticky comment, then publish everywhere the token allows: comment, check run, and always the
 * job summary, SARIF and outputs. A refused write (fork PRs) degrades, it never fails the job.
 */
import * as core from '@actions/core';
import { runCheck } from '../engine/check';
import { ACCEPT_LABEL, hasWriteAccess, recordAck } from '../github/ack';
import { publishCheckRun, type CheckConclusion } from '../github/checks';
import { isPermissionError, type GitHubClient } from '../github/client';
import type { EventContext } from '../github/event';
import { findStickyComment, resolveBotLogin, upsertStickyComment, type IssueTarget, type StickyComment } from '../github/sticky-comment';
import {
  commentMarker,
  evaluateReview,
  factsLine,
  initialState,
  parseState,
  reconcileAcks,
  renderCheckSummary,
  renderComment,
  renderNoMigrations,
  type ReviewState,
  type ReviewView,
} from '../report/markdown';
import type { Report, Severity } from '../report/types';
import { redact } from '../util/secrets';
import type { ActionInputs } from './inputs';
import { checkAnnotations, emitCommandAnnotations, PERMISSIONS_HINT, setOutputs, SUMMARY_LIMIT, writeJobSummary, writeReportFiles } from './publish';

export interface CheckRunContext {
  inputs: ActionInputs;
  event: EventContext;
  client: GitHubClient | null;
  workspace: string;
}

/** The comment key: the configured folders, so several drydock steps in one PR keep separate comments. */
export function commentKey(inputs: ActionInputs): string | null {
  return inputs.migrationsPaths.length ? inputs.migrationsPaths.join(',') : null;
}

export function checkName(inputs: ActionInputs): string {
  const key = commentKey(inputs);
  return key ? `drydock (${key})` : 'drydock';
}

export async function runPullRequestCheck(ctx: CheckRunContext): Promise<number> {
  const { inputs, event } = ctx;
  const result = await runCheck({
    cwd: ctx.workspace,
    dirs: inputs.migrationsPaths,
    layout: inputs.layout,
    base: event.baseSha ?? undefined,
    mode: inputs.mode,
    shadowUrl: inputs.shadowDatabaseUrl,
    pgVersion: inputs.pgVersion,
    statsFile: inputs.statsFile,
    failOn: inputs.failOn,
    log: (line) => core.info(line),
  });
  return publishReport(ctx, result.report, result.failOn);
}

/**
 * Everything after the engine: acknowledgements, comment, check run, summary, SARIF, outputs.
 * Also the whole job of the workflow_run publisher, which gets the report from an artifact.
 */
export async function publishReport(ctx: CheckRunContext, report: Report, failOn: Severity | 'never'): Promise<number> {
  const { inputs, event } = ctx;
  const files = writeReportFiles(report);
  const key = commentKey(inputs);
  const target: IssueTarget | null = event.pullNumber ? { owner: event.owner, repo: event.repo, issueNumber: event.pullNumber } : null;

  const sticky = ctx.client && target ? await loadSticky(ctx.client, target, key) : null;
  let state = initialState(report, failOn, factsLine(report), event.headSha);
  const previous = sticky?.comment ? parseState(sticky.comment.body) : null;
  if (previous) {
    state.nonce = previous.nonce;
    const reconciled = reconcileAcks(state.findings, previous.acks, previous.voided);
    state = { ...state, ...reconciled };
  }
  state = await applyLabelAcknowledgement(ctx, state);

  const view = evaluateReview(state);
  const acknowledged = new Set(view.acknowledged.map((a) => a.finding.id));
  const detailsUrl = event.runUrl;

  await writeJobSummary(renderComment(report, state, { key, detailsUrl, limit: SUMMARY_LIMIT }).body);

  let refused = false;
  let checkPublished = false;
  if (ctx.client && event.headSha) {
    try {
      const { id } = await publishCheckRun(ctx.client, {
        owner: event.owner,
        repo: event.repo,
        headSha: event.headSha,
        name: checkName(inputs),
        conclusion: conclusionOf(view),
        title: checkTitle(view),
        summary: renderCheckSummary(state, key),
        text: renderComment(report, state, { key, detailsUrl, limit: 65535 }).body,
        detailsUrl,
        annotations: checkAnnotations(report, acknowledged),
      });
      state.checkRunId = id;
      checkPublished = true;
    } catch (e) {
      // Never fail the job because GitHub refused a write: the summary and outputs still carry the report.
      refused ||= isPermissionError(e);
      core.warning(`drydock could not create the check run (${redact((e as Error).message)}).`);
    }
  }
  if (!checkPublished) emitCommandAnnotations(report, acknowledged);

  // A merge-queue run only reads the PR's acknowledgements; the PR's own runs keep its comment.
  if (ctx.client && target && sticky && event.eventName !== 'merge_group') {
    try {
      await publishComment(ctx.client, target, sticky, report, state, key, detailsUrl, inputs);
      await removeVoidedLabel(ctx, state);
    } catch (e) {
      refused ||= isPermissionError(e);
      core.warning(`drydock could not write the PR comment (${redact((e as Error).message)}).`);
    }
  }
  if (refused) {
    core.warning(
      `The token cannot write to this repository (a fork PR's token is read-only): the report is in the job summary and the outputs. ` +
        `For a comment on fork PRs use the workflow_run pattern in docs/github.md, or grant:\n${PERMISSIONS_HINT}`,
    );
  }

  setOutputs(report, view.verdict, files);
  core.info(`drydock: ${view.verdict} (${report.summary.newMigrations} new migrations, report: ${files.reportPath})`);
  return view.verdict === 'blocking' ? 1 : 0;
}

interface StickyLookup {
  comment: StickyComment | null;
  botLogin: string;
}

async function loadSticky(client: GitHubClient, target: IssueTarget, key: string | null): Promise<StickyLookup | null> {
  try {
    const botLogin = await resolveBotLogin(client);
    return { comment: await findStickyComment(client, target, commentMarker(key), botLogin), botLogin };
  } catch (e) {
    if (!isPermissionError(e)) throw e;
    core.warning(`drydock could not read the PR comments (${(e as Error).message}); acknowledgements are not applied.`);
    return null;
  }
}

async function publishComment(
  client: GitHubClient,
  target: IssueTarget,
  sticky: StickyLookup,
  report: Report,
  state: ReviewState,
  key: string | null,
  detailsUrl: string | null,
  inputs: ActionInputs,
): Promise<void> {
  if (inputs.comment === 'off') return;
  const hasFindings = report.migrations.some((m) => m.isNew && [...m.findings, ...m.statements.flatMap((s) => s.findings)].some((f) => !f.suppressed));
  let body: string;
  if (report.summary.newMigrations === 0) {
    // Nothing to say unless an earlier run said something: then say it no longer applies.
    if (!sticky.comment) return;
    body = renderNoMigrations(key, commentKey(inputs) ?? report.sources.map((s) => s.dir).join(', '));
  } else {
    if (inputs.comment === 'if-findings' && !hasFindings && !sticky.comment) return;
    const rendered = renderComment(report, state, { key, detailsUrl });
    if (rendered.level !== 'full') core.info(`drydock: comment rendered at the "${rendered.level}" level to fit GitHub's size limit`);
    body = rendered.body;
  }
  const result = await upsertStickyComment(client, target, sticky.comment, body);
  core.info(`drydock: PR comment ${result.action} (id ${result.id})`);
}

/** The `drydock:accepted` label acknowledges every blocking finding, if the labeller has write access. */
async function applyLabelAcknowledgement(ctx: CheckRunContext, state: ReviewState): Promise<ReviewState> {
  const { event, client } = ctx;
  if (!client || event.action !== 'labeled' || event.label !== ACCEPT_LABEL || !event.sender) return state;
  if (!(await hasWriteAccess(client, event.owner, event.repo, event.sender))) {
    core.warning(`label ${ACCEPT_LABEL} added by @${event.sender}, who lacks write access: ignored`);
    return state;
  }
  return recordAck(state, 'all', event.sender, `label ${ACCEPT_LABEL}`, 'label', new Date()).state;
}

/** A label acknowledgement voided by a change: take the label off so it can be applied again. */
async function removeVoidedLabel(ctx: CheckRunContext, state: ReviewState): Promise<void> {
  const { event, client } = ctx;
  if (!client || !event.pullNumber || !event.labels.includes(ACCEPT_LABEL)) return;
  if (!state.voided.some((v) => v.via === 'label')) return;
  await client.rest.issues.removeLabel({ owner: event.owner, repo: event.repo, issue_number: event.pullNumber, name: ACCEPT_LABEL });
  core.info(`drydock: removed the ${ACCEPT_LABEL} label: the SQL it accepted has changed`);
}

export function conclusionOf(view: ReviewView): CheckConclusion {
  return view.verdict === 'blocking' ? 'failure' : view.verdict === 'needs-review' ? 'neutral' : 'success';
}

export function checkTitle(view: ReviewView): string {
  if (view.verdict === 'blocking') return `Blocking: ${view.blocking.length} finding${view.blocking.length === 1 ? '' : 's'} to fix or acknowledge`;
  if (view.verdict === 'needs-review') return 'Needs review';
  return 'Safe';
}
