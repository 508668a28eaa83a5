/**
 * The deploy as a GitHub deployment of the environment: created when the deploy starts (status
 * in_progress), finished with success or failure, so the repository's Environments page shows
 * what reached the database and when.
 */
import type { GitHubClient } from '../github/client';
import { redact } from '../util/secrets';
import type { RepoTarget } from './pull-requests';

export interface DeploymentRequest {
  ref: string;
  environment: string;
  /** "deploy:migrations" or "rollback:migrations". */
  task: string;
  description: string;
  /** Stored with the deployment, e.g. the drydock deploy id. */
  payload: Record<string, string>;
  /** Link to the workflow run. */
  logUrl: string | null;
}

export type DeploymentState = 'in_progress' | 'success' | 'failure' | 'error';

/** GitHub keeps a deployment status description to 140 characters. */
const DESCRIPTION_LIMIT = 140;

export class GitHubDeployment {
  private constructor(
    private readonly client: GitHubClient,
    private readonly target: RepoTarget,
    readonly id: number,
    private readonly request: DeploymentRequest,
  ) {}

  static async create(client: GitHubClient, target: RepoTarget, request: DeploymentRequest): Promise<GitHubDeployment> {
    const response = await client.rest.repos.createDeployment({
      ...target,
      ref: request.ref,
      task: request.task,
      environment: request.environment,
      description: short(request.description),
      payload: request.payload,
      // A migration deploy must not merge branches or wait for commit statuses: it already ran its checks.
      auto_merge: false,
      required_contexts: [],
      production_environment: request.environment === 'production',
    });
    const id = (response.data as { id?: number }).id;
    if (response.status !== 201 || typeof id !== 'number') throw new Error(`GitHub did not create the deployment (HTTP ${response.status})`);
    return new GitHubDeployment(client, target, id, request);
  }

  async setStatus(state: DeploymentState, description: string): Promise<void> {
    await this.client.rest.repos.createDeploymentStatus({
      ...this.target,
      deployment_id: this.id,
      state,
      description: short(description),
      environment: this.request.environment,
      ...(this.request.logUrl ? { log_url: this.request.logUrl } : {}),
    });
  }
}

function short(text: string): string {
  const clean = redact(text).replace(/\s+/g, ' ').trim();
  return clean.length <= DESCRIPTION_LIMIT ? clean : `${clean.slice(0, DESCRIPTION_LIMIT - 1)}…`;
}
