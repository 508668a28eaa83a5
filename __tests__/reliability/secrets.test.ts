/**
 * Secrets: every command runs with a database URL, an S3 secret and a GitHub token that hold unique
 * canary strings. Everything drydock emits is collected — log lines, summaries, results, error
 * messages, CLI output and files, the Action's comment bodies, check runs (summary, text,
 * annotations), job summary, outputs, report and SARIF, the history rows and S3 objects it writes —
 * and searched for the canaries, including the error paths (wrong password, unreachable host,
 * rejected S3 credentials, GitHub failing). The count must be zero.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deploy, resolve, s3BackupStep, status } from '../../src/deploy';
import type { S3Location } from '../../src/deploy/backup';
import { DrydockError } from '../../src/util/errors';
import { withClient } from '../../src/util/pg';
import { startOwnCluster, type OwnCluster } from '../support/fault-cluster';
import { migrationProject, spawnDeployChild, type MigrationProject } from '../support/fault-deploy';
import { startFaultyHttpFront } from '../support/fault-http';
import { closedPort } from '../support/fault-tcp';
import { FakeGitHub } from '../support/github-server';
import { createTestRepo, ensureBuilt, pullRequestPayload, runAction, type ActionRun, type TestRepo } from '../support/github-action-run';
import { createTestDatabase, dropTestDatabases, testServerUrl } from '../support/pg';
import { startTestS3, type TestS3 } from '../support/s3';

const hex = () => randomBytes(8).toString('hex');
const CANARY = {
  dbPassword: `cnryDbPw${hex()}`,
  s3Secret: `cnryS3${hex()}`,
  token: `ghs_cnryTok${hex()}${hex()}`,
};
const ROOT = path.resolve(__dirname, '../..');

/** Everything emitted, with where it came from. */
const emitted: { source: string; text: string | Buffer }[] = [];
function collect(source: string, text: string | Buffer | null | undefined): void {
  if (text !== null && text !== undefined) emitted.push({ source, text });
}

/** A canary in any form it could leak in: as is, URL-encoded, base64. */
function canaryForms(): string[] {
  return Object.values(CANARY).flatMap((c) => [c, encodeURIComponent(c), Buffer.from(c).toString('base64').replace(/=+$/, '')]);
}

function withPassword(url: string, password: string, user?: string): string {
  const u = new URL(url);
  if (user) u.username = user;
  u.password = password;
  return u.toString();
}

async function drydockError(fn: () => Promise<unknown>): Promise<DrydockError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof DrydockError) return error;
    throw error;
  }
  throw new Error('expected a DrydockError');
}

jest.setTimeout(240_000);

let s3: TestS3;
let project: MigrationProject;
let scram: OwnCluster;
beforeAll(async () => {
  s3 = await startTestS3();
  project = migrationProject({
    '001_accounts.sql': 'CREATE TABLE accounts (id bigint PRIMARY KEY, email text);\n',
    '002_accounts_index.sql': 'CREATE INDEX CONCURRENTLY accounts_email_idx ON accounts (email);\n',
  });
  // A server that checks passwords (the shared test servers trust everyone).
  scram = await startOwnCluster();
  await withClient(scram.server.urlFor('postgres'), (c) => c.query("CREATE ROLE app LOGIN PASSWORD 'the-right-one'"));
  await scram.prependHba(['host all app 127.0.0.1/32 scram-sha-256']);
}, 120_000);
afterAll(async () => {
  await s3.stop();
  project.remove();
  await scram.stop();
  await dropTestDatabases();
});

const s3Location = (overrides: Partial<S3Location> = {}): S3Location => ({
  bucket: s3.bucket,
  prefix: 'secrets',
  ...s3.clientConfig,
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: CANARY.s3Secret },
  ...overrides,
});

test('deploy, status, resolve and their artifacts (history rows, S3 objects) with canary credentials', async () => {
  // The trust-auth test server accepts any password: the canary URL connects.
  const url = withPassword(await createTestDatabase('15'), CANARY.dbPassword);
  const logs: string[] = [];
  const result = await deploy({ databaseUrl: url, cwd: project.cwd, dirs: project.dirs, actor: 'canary', backup: s3BackupStep({ s3: s3Location() }), log: (l) => logs.push(l) });
  expect(result.outcome).toBe('applied');
  collect('deploy log', logs.join('\n'));
  collect('deploy result', JSON.stringify(result));
  collect('deploy summary', result.summary);
  const st = await status({ databaseUrl: url, log: (l) => collect('status log', l) });
  collect('status', JSON.stringify(st));
  collect('resolve error', (await drydockError(() => resolve({ databaseUrl: url, version: '001', as: 'applied' }))).format());
  await withClient(url, async (c) => {
    collect('history rows', JSON.stringify((await c.query('SELECT * FROM drydock.migration_history')).rows));
    collect('lock rows', JSON.stringify((await c.query('SELECT * FROM drydock.migration_locks')).rows));
  });
  // Every file s3rver stored: the dump, its metadata, probes.
  const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
  const stored = walk(s3.directory);
  expect(stored.length).toBeGreaterThan(0);
  for (const file of stored) collect(`s3 object ${path.relative(s3.directory, file)}`, fs.readFileSync(file));

  // A failing migration: the error and the summary.
  const failing = migrationProject({ '001_accounts.sql': 'CREATE TABLE accounts (id bigint PRIMARY KEY, email text);\n', '003_bad.sql': 'ALTER TABLE no_such_table ADD COLUMN x int;\n' });
  try {
    const failed = await deploy({ databaseUrl: url, cwd: failing.cwd, dirs: failing.dirs, backup: 'none', log: (l) => collect('failed deploy log', l) });
    expect(failed.outcome).toBe('failed');
    collect('failed deploy result', JSON.stringify(failed));
  } finally {
    failing.remove();
  }
});

test('error paths: wrong password, unreachable host, unknown host, rejected S3 credentials', async () => {
  const scramUrl = withPassword(scram.server.urlFor('postgres'), CANARY.dbPassword, 'app');
  const wrongPassword = await drydockError(() => deploy({ databaseUrl: scramUrl, cwd: project.cwd, dirs: project.dirs, backup: 'none' }));
  expect(wrongPassword.message).toMatch(/password authentication failed/);
  collect('wrong password', wrongPassword.format());
  collect('wrong password (status)', (await drydockError(() => status({ databaseUrl: scramUrl }))).format());

  const unreachable = `postgres://app:${CANARY.dbPassword}@127.0.0.1:${await closedPort()}/prod`;
  collect('unreachable host', (await drydockError(() => deploy({ databaseUrl: unreachable, cwd: project.cwd, dirs: project.dirs, backup: 'none' }))).format());
  collect('unknown host', (await drydockError(() => deploy({ databaseUrl: `postgres://app:${CANARY.dbPassword}@db.invalid:5432/prod`, cwd: project.cwd, dirs: project.dirs, backup: 'none' }))).format());

  const url = withPassword(await createTestDatabase('15'), CANARY.dbPassword);
  const logs: string[] = [];
  const rejected = await deploy({
    databaseUrl: url,
    cwd: project.cwd,
    dirs: project.dirs,
    backup: s3BackupStep({ s3: s3Location({ credentials: { accessKeyId: 'NOT-A-KEY', secretAccessKey: CANARY.s3Secret } }) }),
    log: (l) => logs.push(l),
  });
  expect(rejected.outcome).toBe('refused');
  collect('rejected S3 credentials', JSON.stringify(rejected));
  collect('rejected S3 credentials log', logs.join('\n'));

  // The deploy as its own process: stdout and stderr, success and failure.
  const child = spawnDeployChild({ databaseUrl: withPassword(await createTestDatabase(), CANARY.dbPassword), cwd: project.cwd, dirs: project.dirs });
  await child.exited;
  collect('deploy process stdout', child.stdout());
  collect('deploy process stderr', child.stderr());
  const failingChild = spawnDeployChild({ databaseUrl: scramUrl, cwd: project.cwd, dirs: project.dirs });
  expect((await failingChild.exited).code).toBe(2);
  collect('deploy process stdout (wrong password)', failingChild.stdout());
  collect('deploy process stderr (wrong password)', failingChild.stderr());
});

test('the CLI: check with a canary shadow URL (working, unreachable, wrong password), output files included', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'drydock-secrets-cli-'));
  const examples = path.join(ROOT, 'examples', 'migrations');
  const cli = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'drydock.js'), ...args], { cwd: ROOT });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => done({ code, stdout, stderr }));
    });
  try {
    const shadows = {
      working: withPassword(testServerUrl(), CANARY.dbPassword),
      unreachable: `postgres://postgres:${CANARY.dbPassword}@127.0.0.1:${await closedPort()}/postgres`,
      'wrong password': withPassword(scram.server.urlFor('postgres'), CANARY.dbPassword, 'app'),
    };
    const runs = await Promise.all(
      Object.entries(shadows).map(async ([name, shadow]) => {
        const report = path.join(out, `${name.replace(/ /g, '-')}.json`);
        const run = await cli(['check', examples, '--since', '2', '--no-cache', '--shadow-url', shadow, '--out', report, '--format', 'json']);
        return { name, run, report };
      }),
    );
    for (const { name, run, report } of runs) {
      collect(`cli ${name} stdout`, run.stdout);
      collect(`cli ${name} stderr`, run.stderr);
      if (fs.existsSync(report)) collect(`cli ${name} --out`, fs.readFileSync(report));
    }
    expect(runs[0].run.code).toBe(1); // findings in the examples: a real dry run through the canary URL
    expect(runs[1].run.code).toBe(2);
    expect(runs[2].run.code).toBe(2);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

describe('the Action (dist/index.js) with a canary token, shadow URL and database URL', () => {
  let github: FakeGitHub;
  let repo: TestRepo;
  const PR = 2;
  beforeAll(async () => {
    ensureBuilt();
    repo = createTestRepo();
  }, 600_000);
  afterAll(() => repo.remove());
  beforeEach(async () => {
    github = new FakeGitHub();
    await github.start();
    github.pulls.set(PR, { head: repo.headSha, base: repo.baseSha });
  });
  afterEach(() => github.stop());

  function collectRun(name: string, run: ActionRun): void {
    // `::add-mask::` lines are the masking request itself: the runner consumes them and never prints them.
    collect(`action ${name} stdout`, run.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n'));
    collect(`action ${name} stderr`, run.stderr);
    collect(`action ${name} summary`, run.summary);
    collect(`action ${name} outputs`, JSON.stringify(run.outputs));
    collect(`action ${name} report`, JSON.stringify(run.report));
    collect(`action ${name} sarif`, JSON.stringify(run.sarif));
    for (const c of github.commentsOf(PR)) collect(`action ${name} comment ${c.id}`, c.body);
    for (const r of github.checkRuns) collect(`action ${name} check run ${r.id} (summary, text, annotations)`, JSON.stringify(r));
    for (const r of github.requests) collect(`action ${name} request ${r.method} ${r.path}`, JSON.stringify({ body: r.body, query: r.query.toString() }));
  }

  const inputs = (shadow: string) => ({
    'github-token': CANARY.token,
    'migrations-path': 'db/migrations',
    mode: 'dry-run',
    comment: 'on',
    command: 'auto',
    'shadow-database-url': shadow,
    'database-url': `postgres://app:${CANARY.dbPassword}@127.0.0.1:1/prod`,
  });

  test('a dry run through the canary shadow URL, and the unreachable-shadow error path', async () => {
    const ok = await runAction({ event: 'pull_request', payload: pullRequestPayload('opened', repo), inputs: inputs(withPassword(testServerUrl(), CANARY.dbPassword)), apiUrl: github.url, workspace: repo.dir });
    expect(ok.report?.mode).toBe('dry-run');
    expect(github.checkRuns[0].annotations.length).toBeGreaterThan(0);
    collectRun('dry-run', ok);
    const broken = `postgres://postgres:${CANARY.dbPassword}@127.0.0.1:${await closedPort()}/postgres`;
    const failed = await runAction({ event: 'pull_request', payload: pullRequestPayload('synchronize', repo), inputs: inputs(broken), apiUrl: github.url, workspace: repo.dir });
    expect(failed.code).not.toBe(0);
    collectRun('unreachable shadow', failed);
  });

  test('GitHub refusing the token (401 on every request): the error path', async () => {
    // 401 is final (not retried), so this error path costs no back-off; 5xx give-ups are in dependencies.test.ts.
    const front = await startFaultyHttpFront(github.url, [{ method: 'GET', path: /.*/, status: 401, body: { message: 'Bad credentials' } }]);
    try {
      const run = await runAction({ event: 'pull_request', payload: pullRequestPayload('opened', repo), inputs: { ...inputs(''), mode: 'static' }, apiUrl: front.url, workspace: repo.dir });
      expect(run.code).not.toBe(0);
      collectRun('github 401', run);
    } finally {
      await front.stop();
    }
  });
});

// After every test, the nested Action ones included: a failed expectation here fails the file.
afterAll(() => {
  const forms = canaryForms();
  const hits = emitted.flatMap(({ source, text }) => {
    const hay = Buffer.isBuffer(text) ? text : Buffer.from(text);
    return forms.filter((f) => hay.includes(f)).map((f) => `${source}: ${f}`);
  });
  const bytes = emitted.reduce((n, e) => n + (Buffer.isBuffer(e.text) ? e.text.length : Buffer.byteLength(e.text)), 0);
  const actionTexts = emitted.filter((e) => e.source.startsWith('action ')).length;
  console.log(`secrets: ${emitted.length} emitted (${actionTexts} from Action runs) texts/artifacts (${bytes} bytes) searched for ${forms.length} canary forms: ${hits.length} hits${hits.length ? '\n' + hits.join('\n') : ''}`);
  expect(hits).toEqual([]);
  expect(emitted.length).toBeGreaterThan(40);
});
