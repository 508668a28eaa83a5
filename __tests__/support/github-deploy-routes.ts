/**
 * The GitHub stand-in (./github-server.ts) plus what a deploy uses: deployments and their statuses,
 * repository files through the contents API (blob shas, 409 on a stale sha, like GitHub), and the
 * pull requests associated with a commit. Requests are still validated against the OpenAPI
 * description by the base class before they reach these handlers.
 */
import { createHash } from 'node:crypto';
import type * as http from 'node:http';
import { FakeGitHub } from './github-server';

type Json = Record<string, any>;

export interface StoredDeployment {
  id: number;
  ref: string;
  task: string;
  environment: string;
  description: string | null;
  payload: unknown;
  autoMerge: boolean | undefined;
  requiredContexts: string[] | undefined;
  statuses: { state: string; description: string; environment?: string; log_url?: string }[];
}

export interface AssociatedPull {
  number: number;
  /** ISO time; null for an open PR that merely contains the commit. */
  mergedAt: string | null;
}

export class DeployFakeGitHub extends FakeGitHub {
  readonly deployments: StoredDeployment[] = [];
  /** Repository files by path, as text. */
  readonly files = new Map<string, string>();
  /** Commits made through the contents API: path, message, the new text. */
  readonly fileCommits: { path: string; message: string; text: string; sha: string }[] = [];
  /** commit sha → the pull requests GitHub associates with it. */
  readonly commitPulls = new Map<string, AssociatedPull[]>();
  /**
   * Called once, on the next PUT of a file, before the sha check: lets a test commit to the file
   * between drydock's read and its write, as a concurrent workflow would.
   */
  beforeNextPut: ((path: string) => void) | null = null;
  private nextDeployId = 1;

  protected override route(method: string, template: string, p: Record<string, string>, url: URL, body: Json, res: http.ServerResponse): void {
    const repoPath = '/repos/{owner}/{repo}';
    switch (`${method} ${template}`) {
      case `POST ${repoPath}/deployments`:
        return this.createDeployment(p, body, res);
      case `POST ${repoPath}/deployments/{deployment_id}/statuses`: {
        const deployment = this.deployments.find((d) => d.id === Number(p.deployment_id));
        if (!deployment) return this.send(res, 404, { message: 'Not Found' });
        deployment.statuses.push({ state: body.state, description: body.description ?? '', environment: body.environment, log_url: body.log_url });
        return this.send(res, 201, { id: deployment.statuses.length, state: body.state, description: body.description ?? '', environment: deployment.environment });
      }
      case `GET ${repoPath}/contents/{path}`:
        return this.getContent(p, res);
      case `PUT ${repoPath}/contents/{path}`:
        return this.putContent(p, body, res);
      case `GET ${repoPath}/commits/{commit_sha}/pulls`:
        return this.send(res, 200, (this.commitPulls.get(p.commit_sha) ?? []).map((pr) => this.pullJson(pr)));
      default:
        return super.route(method, template, p, url, body, res);
    }
  }

  private createDeployment(p: Record<string, string>, body: Json, res: http.ServerResponse): void {
    const deployment: StoredDeployment = {
      id: this.nextDeployId++,
      ref: body.ref,
      task: body.task ?? 'deploy',
      environment: body.environment ?? 'production',
      description: body.description ?? null,
      payload: body.payload ?? {},
      autoMerge: body.auto_merge,
      requiredContexts: body.required_contexts,
      statuses: [],
    };
    this.deployments.push(deployment);
    this.send(res, 201, {
      id: deployment.id,
      node_id: `DE_${deployment.id}`,
      sha: deployment.ref,
      ref: deployment.ref,
      task: deployment.task,
      environment: deployment.environment,
      payload: deployment.payload,
      description: deployment.description,
      creator: { login: this.botLogin },
      statuses_url: `${this.url}/repos/${p.owner}/${p.repo}/deployments/${deployment.id}/statuses`,
      repository_url: `${this.url}/repos/${p.owner}/${p.repo}`,
      url: `${this.url}/repos/${p.owner}/${p.repo}/deployments/${deployment.id}`,
      created_at: new Date().toISOString(),
      updated_at: new Date().toISOString(),
    });
  }

  private getContent(p: Record<string, string>, res: http.ServerResponse): void {
    const text = this.files.get(p.path);
    if (text === undefined) return this.send(res, 404, { message: 'Not Found' });
    // GitHub wraps the base64 content at 60 characters.
    const content = (Buffer.from(text, 'utf8').toString('base64').match(/.{1,60}/g) ?? []).join('\n');
    this.send(res, 200, { type: 'file', encoding: 'base64', name: p.path.split('/').pop(), path: p.path, sha: blobSha(text), size: Buffer.byteLength(text), content });
  }

  private putContent(p: Record<string, string>, body: Json, res: http.ServerResponse): void {
    const race = this.beforeNextPut;
    this.beforeNextPut = null;
    race?.(p.path);
    const current = this.files.get(p.path);
    if (current !== undefined && body.sha === undefined) return this.send(res, 422, { message: 'Invalid request.\n\n"sha" wasn\'t supplied.' });
    if (current !== undefined && body.sha !== blobSha(current)) return this.send(res, 409, { message: `${p.path} does not match ${body.sha}` });
    const text = Buffer.from(body.content, 'base64').toString('utf8');
    this.files.set(p.path, text);
    const commitSha = createHash('sha1').update(`${p.path}\n${text}\n${this.fileCommits.length}`).digest('hex');
    this.fileCommits.push({ path: p.path, message: body.message, text, sha: commitSha });
    this.send(res, current === undefined ? 201 : 200, {
      content: { name: p.path.split('/').pop(), path: p.path, sha: blobSha(text), size: Buffer.byteLength(text), type: 'file' },
      commit: { sha: commitSha, message: body.message },
    });
  }

  private pullJson(pr: AssociatedPull): Json {
    return {
      id: pr.number,
      number: pr.number,
      state: pr.mergedAt ? 'closed' : 'open',
      merged_at: pr.mergedAt,
      title: `PR ${pr.number}`,
      user: { login: 'octocat' },
      labels: [],
    };
  }
}

/** Git's blob id of the text, which the contents API reports as the file's sha. */
export function blobSha(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}
