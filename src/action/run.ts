/**
 * The Action: read the inputs and the event, decide what to do, do it. Returns the exit code;
 * src/main.ts only turns it into the step's result.
 */
import * as core from '@actions/core';
import { createGitHubClient } from '../github/client';
import { readEventContext, type EventContext } from '../github/event';
import { runBotCommand } from './bot-command';
import { routeDeploy } from './deploy-route';
import { readInputs, type ActionCommand } from './inputs';
import { runPullRequestCheck } from './pr-check';
import { runPublishFromArtifact } from './workflow-run';

export type ResolvedCommand = Exclude<ActionCommand, 'auto'> | 'bot' | 'skip';

/** In `auto`, the event decides. */
export function resolveCommand(command: ActionCommand, event: EventContext): ResolvedCommand {
  if (command !== 'auto') return command;
  switch (event.eventName) {
    case 'pull_request':
    case 'pull_request_target':
    case 'merge_group':
      return 'check';
    case 'issue_comment':
      return 'bot';
    case 'workflow_run':
      return 'publish';
    case 'push':
      return event.onDefaultBranch ? 'deploy' : 'check';
    case 'workflow_dispatch':
      return 'deploy';
    default:
      return 'skip';
  }
}

export async function runAction(): Promise<number> {
  const inputs = readInputs();
  const event = readEventContext();
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
  const client = inputs.githubToken ? createGitHubClient(inputs.githubToken) : null;
  const command = resolveCommand(inputs.command, event);
  core.info(`drydock: ${command} (event ${event.eventName}${event.action ? `.${event.action}` : ''})`);
  switch (command) {
    case 'check':
      return runPullRequestCheck({ inputs, event, client, workspace });
    case 'bot':
      return runBotCommand(inputs, event, client);
    case 'publish':
      return runPublishFromArtifact(inputs, event, client, workspace);
    case 'deploy':
    case 'rollback':
      return routeDeploy(command, inputs, event, workspace);
    case 'skip':
      core.info(`drydock: nothing to do for the ${event.eventName} event in auto mode`);
      return 0;
  }
}
