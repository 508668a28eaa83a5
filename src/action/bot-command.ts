/**
 * `/drydock ack <finding-id|all> <reason>` and `/drydock rerun` in a PR comment. Only users with
 * write access are obeyed. The command works on the review state kept in the sticky comment, so it
 * never checks out or runs the PR's code: it records the acknowledgement (bound to the migration's
 * checksum), re-renders the comment's verdict, and updates the check run's conclusion.
 */
import * as core from '@actions/core';
import { hasWriteAccess, parseBotCommands, recordAck } from '../github/ack';
import type { GitHubClient } from '../github/client';
import type { EventContext } from '../github/event';
import { findStickyComment, resolveBotLogin, upsertStickyComment } from '../github/sticky-comment';
import { assembleComment, commentMarker, evaluateReview, extractBody, parseState, renderCheckSummary } from '../report/markdown';
import type { ActionInputs } from './inputs';
import { checkTitle, commentKey, conclusionOf } from './pr-check';

export async function runBotCommand(inputs: ActionInputs, event: EventContext, client: GitHubClient | null): Promise<number> {
  if (!event.comment || !event.pullNumber || event.action !== 'created') {
    core.info('drydock: not a new comment on a pull request; nothing to do');
    return 0;
  }
  const commands = parseBotCommands(event.comment.body);
  if (commands.length === 0) {
    core.info('drydock: the comment has no /drydock command');
    return 0;
  }
  if (!client) {
    core.warning('drydock: bot commands need the github-token input');
    return 0;
  }
  const actor = event.comment.author;
  const react = (content: '+1' | '-1' | 'confused') =>
    client.rest.reactions
      .createForIssueComment({ owner: event.owner, repo: event.repo, comment_id: event.comment!.id, content })
      .catch((e: Error) => core.info(`drydock: could not react to the command (${e.message})`));

  if (!(await hasWriteAccess(client, event.owner, event.repo, actor))) {
    core.warning(`drydock: ignored the command of @${actor}: acknowledging needs write access to ${event.owner}/${event.repo}`);
    await react('-1');
    return 0;
  }
  const key = commentKey(inputs);
  const target = { owner: event.owner, repo: event.repo, issueNumber: event.pullNumber };
  const sticky = await findStickyComment(client, target, commentMarker(key), await resolveBotLogin(client));
  const state = sticky ? parseState(sticky.body) : null;
  if (!sticky || !state) {
    core.warning(`drydock: no drydock report on #${event.pullNumber} yet; the command applies once the check has run`);
    await react('confused');
    return 0;
  }
  const { data: pull } = await client.rest.pulls.get({ owner: event.owner, repo: event.repo, pull_number: event.pullNumber });
  if (state.headSha && pull.head.sha !== state.headSha) {
    core.warning(`drydock: the report is for ${state.headSha.slice(0, 7)} but the PR is at ${pull.head.sha.slice(0, 7)}; the check of the new commit will apply acknowledgements that still match`);
  }

  let next = state;
  let problems = 0;
  for (const command of commands) {
    if (command.kind === 'invalid') {
      core.warning(`drydock: ${command.line}: ${command.problem}`);
      problems++;
    } else if (command.kind === 'ack') {
      const outcome = recordAck(next, command.target, actor, command.reason, 'comment', new Date());
      if (outcome.unknown.length) {
        core.warning(`drydock: no blocking finding has the id ${outcome.unknown.join(', ')}; ids: ${next.findings.map((f) => f.id).join(', ') || '(none)'}`);
        problems++;
      } else {
        core.info(`drydock: @${actor} acknowledged ${outcome.acknowledged.join(', ')}: ${command.reason}`);
      }
      next = outcome.state;
    } else {
      core.info('drydock: re-evaluating the review gate');
    }
  }

  const view = evaluateReview(next);
  const body = extractBody(sticky.body, state);
  if (body === null) {
    core.warning('drydock: the report comment was edited by hand; run the check again to rebuild it');
    await react('confused');
    return 0;
  }
  await upsertStickyComment(client, target, sticky, assembleComment(view, key, body));
  if (next.checkRunId && (!next.headSha || next.headSha === pull.head.sha)) {
    await client.rest.checks.update({
      owner: event.owner,
      repo: event.repo,
      check_run_id: next.checkRunId,
      conclusion: conclusionOf(view),
      output: { title: checkTitle(view), summary: renderCheckSummary(next, key) },
    });
  }
  await react(problems ? 'confused' : '+1');
  core.setOutput('risk', view.verdict);
  core.info(`drydock: ${view.verdict} after the command of @${actor}`);
  return 0;
}
