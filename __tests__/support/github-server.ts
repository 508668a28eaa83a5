/**
 * A local stand-in for api.github.com. Every request is matched against GitHub's OpenAPI
 * description (@octokit/openapi): an unknown method or path, or a JSON body that fails the
 * operation's request-body schema (compiled with ajv), is answered 422 and recorded as a
 * violation. Behind it, a small in-memory repository: issue comments (paginated with Link headers,
 * like GitHub), check runs with their annotations, collaborator permissions, labels, reactions.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

type Json = Record<string, any>;

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  params: string[];
  bodySchema: Json | null;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The OpenAPI path template it matched, e.g. /repos/{owner}/{repo}/check-runs. */
  operation: string;
  body: Json | null;
  authorization: string | undefined;
}

export interface StoredComment {
  id: number;
  body: string;
  user: { login: string; id: number; type: 'Bot' | 'User' };
  created_at: string;
  updated_at: string;
}

export interface StoredCheckRun {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  output: { title?: string; summary?: string; text?: string };
  annotations: Json[];
  details_url?: string;
}

export interface FakeGitHubOptions {
  owner?: string;
  repo?: string;
  /** Login the token acts as; GET /user answers 403 for the Actions bot, like an installation token. */
  botLogin?: string;
}

let specCache: { paths: Json; schemas: Json } | null = null;

function loadSpec(): { paths: Json; schemas: Json } {
  if (!specCache) {
    const file = require.resolve('@octokit/openapi/generated/api.github.com.json');
    const spec = JSON.parse(fs.readFileSync(file, 'utf8')) as Json;
    specCache = { paths: spec.paths, schemas: spec.components.schemas };
  }
  return specCache;
}

export class FakeGitHub {
  readonly owner: string;
  readonly repo: string;
  readonly botLogin: string;
  readonly requests: RecordedRequest[] = [];
  /** Requests that do not conform to the OpenAPI description. A test expects this to stay empty. */
  readonly violations: string[] = [];
  readonly comments = new Map<number, StoredComment[]>();
  readonly checkRuns: StoredCheckRun[] = [];
  readonly reactions: { commentId: number; content: string; by: string }[] = [];
  readonly labels = new Map<number, string[]>();
  /** username → permission (admin, write, read, none); anyone else is not a collaborator (404). */
  readonly permissions = new Map<string, string>();
  readonly pulls = new Map<number, { head: string; base: string }>();
  /** Resources answered with 403, as for a fork PR's read-only token. */
  readonly forbidden = new Set<'comments' | 'checks'>();
  private nextId = 1000;
  private server: http.Server | null = null;
  private readonly operations: Operation[] = [];
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly ajv: Ajv;

  constructor(options: FakeGitHubOptions = {}) {
    this.owner = options.owner ?? 'Codertocat';
    this.repo = options.repo ?? 'Hello-World';
    this.botLogin = options.botLogin ?? 'github-actions[bot]';
    const spec = loadSpec();
    this.ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: 'gh', components: { schemas: spec.schemas } });
    for (const [template, item] of Object.entries(spec.paths)) {
      for (const method of ['get', 'post', 'patch', 'put', 'delete']) {
        const op = (item as Json)[method];
        if (!op) continue;
        const params: string[] = [];
        const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{([^}]+)\\?\}/g, (_m, name: string) => {
          params.push(name);
          return '([^/]+)';
        });
        this.operations.push({
          method: method.toUpperCase(),
          template,
          pattern: new RegExp(`^${source}$`),
          params,
          bodySchema: op.requestBody?.content?.['application/json']?.schema ?? null,
        });
      }
    }
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.handle(req, Buffer.concat(chunks).toString('utf8'), res));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this.url;
  }

  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = null;
  }

  /** Seed comments (e.g. 150 from users, so drydock's lands on page 2). */
  addComment(issue: number, body: string, login: string, type: 'Bot' | 'User' = 'User'): StoredComment {
    const now = new Date().toISOString();
    const comment: StoredComment = { id: this.nextId++, body, user: { login, id: 1, type }, created_at: now, updated_at: now };
    this.commentsOf(issue).push(comment);
    return comment;
  }

  commentsOf(issue: number): StoredComment[] {
    if (!this.comments.has(issue)) this.comments.set(issue, []);
    return this.comments.get(issue)!;
  }

  /** The requests of one operation, e.g. ('POST', '/repos/{owner}/{repo}/check-runs'). */
  requestsTo(method: string, operation: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && r.operation === operation);
  }

  private handle(req: http.IncomingMessage, raw: string, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    const op = this.operations.find((o) => o.method === method && o.pattern.test(url.pathname));
    let body: Json | null = null;
    if (raw) {
      try {
        body = JSON.parse(raw) as Json;
      } catch {
        return this.reject(res, `${method} ${url.pathname}: body is not JSON`);
      }
    }
    if (!op) return this.reject(res, `${method} ${url.pathname}: no such operation in the OpenAPI description`, 404);
    this.requests.push({ method, path: url.pathname, query: url.searchParams, operation: op.template, body, authorization: req.headers.authorization });
    if (op.bodySchema) {
      const validate = this.validatorFor(op);
      if (!validate(body ?? {})) {
        return this.reject(res, `${method} ${op.template}: ${this.ajv.errorsText(validate.errors)}`);
      }
    }
    const match = op.pattern.exec(url.pathname)!;
    const params = Object.fromEntries(op.params.map((name, i) => [name, decodeURIComponent(match[i + 1])]));
    if (params.owner !== undefined && (params.owner !== this.owner || params.repo !== this.repo)) {
      return this.send(res, 404, { message: 'Not Found' });
    }
    this.route(method, op.template, params, url, body ?? {}, res);
  }

  private validatorFor(op: Operation): ValidateFunction {
    const key = `${op.method} ${op.template}`;
    let validate = this.validators.get(key);
    if (!validate) {
      const schema = JSON.parse(JSON.stringify(op.bodySchema).replace(/"#\/components\//g, '"gh#/components/')) as Json;
      validate = this.ajv.compile(schema);
      this.validators.set(key, validate);
    }
    return validate;
  }

  private reject(res: http.ServerResponse, violation: string, status = 422): void {
    this.violations.push(violation);
    this.send(res, status, { message: `Validation Failed: ${violation}` });
  }

  protected send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = body === null ? '' : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(text);
  }

  private forbid(res: http.ServerResponse): void {
    this.send(res, 403, { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest' });
  }

  protected route(method: string, template: string, p: Record<string, string>, url: URL, body: Json, res: http.ServerResponse): void {
    const repoPath = `/repos/{owner}/{repo}`;
    switch (`${method} ${template}`) {
      case 'GET /user':
        if (this.botLogin.endsWith('[bot]')) return this.forbid(res);
        return this.send(res, 200, { login: this.botLogin, id: 1, type: 'User' });
      case `GET ${repoPath}/issues/{issue_number}/comments`:
        return this.listComments(Number(p.issue_number), url, res);
      case `POST ${repoPath}/issues/{issue_number}/comments`: {
        if (this.forbidden.has('comments')) return this.forbid(res);
        if (String(body.body).length > 65536) return this.send(res, 422, { message: 'Validation Failed', errors: [{ message: 'Body is too long' }] });
        const c = this.addComment(Number(p.issue_number), body.body, this.botLogin, 'Bot');
        return this.send(res, 201, this.commentJson(c));
      }
      case `PATCH ${repoPath}/issues/comments/{comment_id}`: {
        if (this.forbidden.has('comments')) return this.forbid(res);
        const c = [...this.comments.values()].flat().find((x) => x.id === Number(p.comment_id));
        if (!c) return this.send(res, 404, { message: 'Not Found' });
        if (c.user.login !== this.botLogin) return this.forbid(res);
        if (String(body.body).length > 65536) return this.send(res, 422, { message: 'Validation Failed', errors: [{ message: 'Body is too long' }] });
        c.body = body.body;
        c.updated_at = new Date().toISOString();
        return this.send(res, 200, this.commentJson(c));
      }
      case `POST ${repoPath}/issues/comments/{comment_id}/reactions`:
        this.reactions.push({ commentId: Number(p.comment_id), content: body.content, by: this.botLogin });
        return this.send(res, 201, { id: this.nextId++, content: body.content, user: { login: this.botLogin } });
      case `POST ${repoPath}/check-runs`: {
        if (this.forbidden.has('checks')) return this.forbid(res);
        const run: StoredCheckRun = {
          id: this.nextId++,
          name: body.name,
          head_sha: body.head_sha,
          status: body.status ?? 'queued',
          conclusion: body.conclusion ?? null,
          output: { title: body.output?.title, summary: body.output?.summary, text: body.output?.text },
          annotations: [...(body.output?.annotations ?? [])],
          details_url: body.details_url,
        };
        this.checkRuns.push(run);
        return this.send(res, 201, { id: run.id, name: run.name, head_sha: run.head_sha, status: run.status, conclusion: run.conclusion });
      }
      case `PATCH ${repoPath}/check-runs/{check_run_id}`: {
        if (this.forbidden.has('checks')) return this.forbid(res);
        const run = this.checkRuns.find((r) => r.id === Number(p.check_run_id));
        if (!run) return this.send(res, 404, { message: 'Not Found' });
        if (body.conclusion) {
          run.conclusion = body.conclusion;
          run.status = 'completed';
        }
        if (body.output) {
          run.output = { ...run.output, title: body.output.title, summary: body.output.summary, ...(body.output.text ? { text: body.output.text } : {}) };
          // GitHub appends annotations on every update.
          run.annotations.push(...(body.output.annotations ?? []));
        }
        return this.send(res, 200, { id: run.id, conclusion: run.conclusion, status: run.status });
      }
      case `GET ${repoPath}/collaborators/{username}/permission`: {
        const permission = this.permissions.get(p.username);
        if (!permission) return this.send(res, 404, { message: `${p.username} is not a user` });
        return this.send(res, 200, { permission, role_name: permission, user: { login: p.username } });
      }
      case `GET ${repoPath}/pulls/{pull_number}`: {
        const pull = this.pulls.get(Number(p.pull_number));
        if (!pull) return this.send(res, 404, { message: 'Not Found' });
        return this.send(res, 200, {
          number: Number(p.pull_number),
          state: 'open',
          head: { sha: pull.head, ref: 'feature' },
          base: { sha: pull.base, ref: 'main' },
          labels: (this.labels.get(Number(p.pull_number)) ?? []).map((name) => ({ name })),
        });
      }
      case `DELETE ${repoPath}/issues/{issue_number}/labels/{name}`: {
        const list = this.labels.get(Number(p.issue_number)) ?? [];
        if (!list.includes(p.name)) return this.send(res, 404, { message: 'Label does not exist' });
        this.labels.set(Number(p.issue_number), list.filter((l) => l !== p.name));
        return this.send(res, 200, list.filter((l) => l !== p.name).map((name) => ({ name })));
      }
      default:
        return this.reject(res, `${method} ${template}: valid, but this stand-in does not implement it`, 501);
    }
  }

  /** GitHub's pagination: per_page (max 100), page, and a Link header with next/last. */
  private listComments(issue: number, url: URL, res: http.ServerResponse): void {
    const all = this.commentsOf(issue);
    const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30));
    const page = Number(url.searchParams.get('page') ?? 1);
    const last = Math.max(1, Math.ceil(all.length / perPage));
    const slice = all.slice((page - 1) * perPage, page * perPage).map((c) => this.commentJson(c));
    const link = (n: number, rel: string) => {
      const u = new URL(url.toString());
      u.searchParams.set('page', String(n));
      u.searchParams.set('per_page', String(perPage));
      return `<${u.toString()}>; rel="${rel}"`;
    };
    const links: string[] = [];
    if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
    if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'));
    this.send(res, 200, slice, links.length ? { link: links.join(', ') } : {});
  }

  private commentJson(c: StoredComment): Json {
    return {
      id: c.id,
      node_id: `IC_${c.id}`,
      url: `${this.url}/repos/${this.owner}/${this.repo}/issues/comments/${c.id}`,
      html_url: `https://github.com/${this.owner}/${this.repo}/pull/1#issuecomment-${c.id}`,
      body: c.body,
      user: { ...c.user, login: c.user.login },
      created_at: c.created_at,
      updated_at: c.updated_at,
      author_association: c.user.type === 'Bot' ? 'NONE' : 'CONTRIBUTOR',
    };
  }
}
