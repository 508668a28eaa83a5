/**
 * Untrusted PR content. A pull request's migrations are written by whoever opened it, so PR mode:
 *   - never opens a connection to the target (production) database — its URL points at a local
 *     listener that records every connection attempt, and the count must be zero;
 *   - renders markdown/HTML payloads in migrations (closing code fences, <details>, <img onerror>,
 *     @-mentions, javascript: links) inert in the comment, the check run and the job summary;
 *   - runs the PR's SQL only in a throwaway cluster whose server process holds none of the
 *     runner's secrets (docs/security.md: what Postgres itself still allows, and how it is contained).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCheck } from '../../src/engine/check';
import { startEphemeralServer, type EphemeralServer } from '../../src/dryrun/providers';
import { withClient } from '../../src/util/pg';
import { startRecordingListener, type RecordingListener } from '../support/fault-tcp';
import { FakeGitHub } from '../support/github-server';
import { splitFences, outsideCodeSpans } from '../support/github-markdown';
import { createTestRepo, ensureBuilt, issueCommentPayload, pullRequestPayload, runAction, type TestRepo } from '../support/github-action-run';
import { testServerUrl } from '../support/pg';

jest.setTimeout(240_000);
const PR = 2;
const TOKEN = `ghs_untrustedCanary${randomBytes(10).toString('hex')}`;

let listener: RecordingListener;
beforeAll(async () => {
  listener = await startRecordingListener();
});
afterAll(() => listener.stop());

const productionUrl = () => `postgres://deployer:prod-password@127.0.0.1:${listener.port}/production`;

describe('PR mode never connects to the target database', () => {
  let repo: TestRepo;
  let github: FakeGitHub;
  beforeAll(async () => {
    ensureBuilt();
    repo = createTestRepo();
    github = new FakeGitHub();
    await github.start();
    github.pulls.set(PR, { head: repo.headSha, base: repo.baseSha });
    github.permissions.set('octocat', 'write');
  }, 600_000);
  afterAll(async () => {
    repo.remove();
    await github.stop();
  });

  test('the Action on pull_request (static and dry run) and on a /drydock comment: zero connection attempts', async () => {
    const base = { 'github-token': TOKEN, 'migrations-path': 'db/migrations', comment: 'on', command: 'auto', 'database-url': productionUrl() };
    const runs = [
      await runAction({ event: 'pull_request', payload: pullRequestPayload('opened', repo), inputs: { ...base, mode: 'static' }, apiUrl: github.url, workspace: repo.dir }),
      await runAction({
        event: 'pull_request',
        payload: pullRequestPayload('synchronize', repo),
        inputs: { ...base, mode: 'dry-run', 'shadow-database-url': testServerUrl() },
        apiUrl: github.url,
        workspace: repo.dir,
      }),
      await runAction({ event: 'issue_comment', payload: issueCommentPayload(PR, '/drydock ack all reviewed in the meeting', 'octocat'), inputs: base, apiUrl: github.url, workspace: repo.dir }),
    ];
    expect(runs.map((r) => r.code)).toEqual([1, 1, 0]);
    expect(runs[1].report?.mode).toBe('dry-run');
    console.log(`untrusted: PR-mode runs ${runs.length}, connection attempts to the target database: ${listener.connections.length}`);
    expect(listener.connections).toEqual([]);
  });

  test('the engine with DATABASE_URL, PGHOST and PGPORT pointing at the target: zero connection attempts', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { DATABASE_URL: productionUrl(), PGHOST: '127.0.0.1', PGPORT: String(listener.port), PGDATABASE: 'production' });
    try {
      await runCheck({ cwd: repo.dir, dirs: ['db/migrations'], base: repo.baseSha, mode: 'static', cacheDir: null });
      await runCheck({ cwd: repo.dir, dirs: ['db/migrations'], base: repo.baseSha, mode: 'dry-run', shadowUrl: testServerUrl(), cacheDir: null });
    } finally {
      process.env = saved;
    }
    expect(listener.connections).toEqual([]);
  });
});

describe('markdown and HTML payloads in migrations render inert', () => {
  let repo: TestRepo;
  let github: FakeGitHub;
  const PAYLOAD = '```</details><details open><summary>pwned</summary><img src=x onerror=alert(1)> @octocat <script>alert(1)</script> [x](javascript:alert(1)) ~~~';
  beforeAll(async () => {
    ensureBuilt();
    repo = createTestRepo();
    repo.commit(
      {
        'db/migrations/6_payload.up.sql':
          `-- ${PAYLOAD}\n` +
          `ALTER TABLE users ADD COLUMN "${PAYLOAD.replace(/"/g, '')}" text NOT NULL DEFAULT '${PAYLOAD.replace(/'/g, "''")}';\n` +
          `CREATE INDEX "idx_@octocat_<img src=x onerror=alert(2)>" ON users (email);\n` +
          `/* ${PAYLOAD} */\n` +
          `UPDATE users SET email = '${PAYLOAD.replace(/'/g, "''")}';\n`,
        'db/migrations/6_payload.down.sql': `-- ${PAYLOAD}\nDROP INDEX "idx_@octocat_<img src=x onerror=alert(2)>";\n`,
      },
      'a hostile migration',
    );
    github = new FakeGitHub();
    await github.start();
    github.pulls.set(PR, { head: repo.headSha, base: repo.baseSha });
  }, 600_000);
  afterAll(async () => {
    repo.remove();
    await github.stop();
  });

  /** What GitHub would interpret as markup: lines outside fences, text outside code spans. */
  function markupOf(markdown: string): string {
    const parts = splitFences(markdown);
    expect(parts.balanced).toBe(true);
    return parts.markup.map(outsideCodeSpans).join('\n');
  }

  function expectInert(markdown: string, where: string): void {
    const markup = markupOf(markdown);
    // Escaped text (&lt;img … onerror…&gt;, @&#8203;octocat, \[x\](…)) is inert; a raw tag, mention or link is not.
    const live = [/<img/i, /<script/i, /<summary>pwned/i, /<details open>/i, /@octocat/, /(^|[^\\])\[[^\]]*(?<!\\)\]\(javascript:/i];
    for (const bad of live) {
      expect({ where, bad: String(bad), found: bad.test(markup) }).toEqual({ where, bad: String(bad), found: false });
    }
    // drydock's own collapsible sections stay balanced: the payload's </details> closes nothing.
    const opens = (markup.match(/<details\b/gi) ?? []).length;
    const closes = (markup.match(/<\/details>/gi) ?? []).length;
    expect({ where, opens, closes }).toEqual({ where, opens, closes: opens });
  }

  test('comment, check-run summary and text, annotations and the job summary', async () => {
    const run = await runAction({
      event: 'pull_request',
      payload: pullRequestPayload('opened', repo),
      inputs: { 'github-token': TOKEN, 'migrations-path': 'db/migrations', mode: 'static', comment: 'on', command: 'auto' },
      apiUrl: github.url,
      workspace: repo.dir,
    });
    expect(github.violations).toEqual([]);
    const comment = github.commentsOf(PR).find((c) => c.user.login === github.botLogin)!;
    // The payload's migration is in the report (so the test is not vacuous).
    expect(comment.body).toContain('6_payload.up.sql');
    expect(comment.body).toMatch(/onerror|@octocat/);
    expectInert(comment.body, 'comment');
    const check = github.checkRuns[0];
    expectInert(check.output.summary ?? '', 'check summary');
    expectInert(check.output.text ?? '', 'check text');
    expectInert(run.summary, 'job summary');
    // Annotations are plain text on GitHub (no markdown, no mentions): the payload may appear there verbatim.
    expect(check.annotations.some((a) => a.path === 'db/migrations/6_payload.up.sql')).toBe(true);
  });
});

describe('the throwaway cluster that runs PR SQL', () => {
  const CANARIES = {
    GITHUB_TOKEN: `ghs_envCanary${randomBytes(10).toString('hex')}`,
    'INPUT_GITHUB-TOKEN': `ghs_inputCanary${randomBytes(10).toString('hex')}`,
    DATABASE_URL: `postgres://deployer:envCanary${randomBytes(6).toString('hex')}@prod.internal/db`,
    'INPUT_DATABASE-URL': `postgres://deployer:inputCanary${randomBytes(6).toString('hex')}@prod.internal/db`,
    AWS_SECRET_ACCESS_KEY: `awsCanary${randomBytes(10).toString('hex')}`,
    PGPASSWORD: `pgpassCanary${randomBytes(6).toString('hex')}`,
  };
  let server: EphemeralServer;
  beforeAll(async () => {
    ensureBuilt();
    server = await startEphemeralServer({ provider: 'machine' });
  }, 600_000);
  afterAll(() => server?.stop());

  test('the server process environment holds none of the runner secrets (/proc/<pid>/environ and COPY … FROM PROGRAM env)', () => {
    // In its own process: the dry run's environment is the runner's, secrets included.
    const run = spawnSync(process.execPath, [path.join(__dirname, 'fixtures', 'ephemeral-env.js')], {
      env: { ...process.env, ...CANARIES },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    const seen = JSON.parse(run.stdout) as { environ: string; viaSql: string };
    // The probe works: the server's environment is readable both ways.
    expect(seen.environ).toMatch(/^PATH=/m);
    expect(seen.viaSql).toMatch(/^PATH=/m);
    const leaked = Object.entries(CANARIES)
      .filter(([, value]) => seen.environ.includes(value) || seen.viaSql.includes(value))
      .map(([name]) => name);
    console.log(`untrusted: runner secrets visible to the ephemeral server process: ${leaked.length ? leaked.join(', ') : 'none'}`);
    expect(leaked).toEqual([]);
  });

  test('end to end: a PR migration running COPY … TO PROGRAM env in the dry run cannot exfiltrate the token', async () => {
    const repo = createTestRepo();
    const github = new FakeGitHub();
    await github.start();
    const dump = path.join(os.tmpdir(), `drydock-exfil-${randomBytes(6).toString('hex')}.txt`);
    try {
      repo.commit(
        {
          'db/migrations/6_exfil.up.sql': `COPY (SELECT 1) TO PROGRAM 'env > ${dump}';
`,
          'db/migrations/6_exfil.down.sql': 'SELECT 1;\n',
        },
        'exfiltration attempt',
      );
      github.pulls.set(PR, { head: repo.headSha, base: repo.baseSha });
      const run = await runAction({
        event: 'pull_request',
        payload: pullRequestPayload('opened', repo),
        // No shadow URL: drydock starts its own throwaway cluster, from the Action's environment.
        inputs: { 'github-token': TOKEN, 'migrations-path': 'db/migrations', mode: 'dry-run', comment: 'on', command: 'auto' },
        apiUrl: github.url,
        workspace: repo.dir,
        // A workflow that also exports the token (env: GITHUB_TOKEN: ...), as many do.
        env: { GITHUB_TOKEN: TOKEN },
      });
      expect(run.report?.mode).toBe('dry-run');
      const ran = fs.existsSync(dump);
      expect(ran).toBe(true); // the attempt really ran: the assertions below mean something
      const content = fs.readFileSync(dump, 'utf8');
      console.log(`untrusted: the dry run ${ran ? 'ran' : 'did not run'} the PR's COPY … TO PROGRAM; token in what it saw: ${content.includes(TOKEN)}`);
      expect(content).not.toContain(TOKEN);
      expect(content).not.toContain('INPUT_GITHUB-TOKEN');
    } finally {
      fs.rmSync(dump, { force: true });
      repo.remove();
      await github.stop();
    }
  });

  test("PR SQL runs programs as the server's OS user, which cannot read the runner's private files", async () => {
    if (process.getuid?.() !== 0) return; // the containment below is the root-runner case (docs/security.md)
    const secretDir = fs.mkdtempSync(path.join(os.tmpdir(), 'drydock-runner-secret-'));
    const secretFile = path.join(secretDir, 'credentials');
    fs.writeFileSync(secretFile, 'canary-file-secret', { mode: 0o600 });
    fs.chmodSync(secretDir, 0o700);
    try {
      await withClient(server.urlFor('postgres'), async (c) => {
        await c.query('CREATE TEMP TABLE out (line text)');
        await c.query("COPY out FROM PROGRAM 'id -u'");
        const uid = Number((await c.query('SELECT line FROM out')).rows[0].line);
        expect(uid).not.toBe(0);
        expect(uid).toBe(Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim()));
        await expect(c.query(`SELECT pg_read_file('${secretFile}')`)).rejects.toThrow(/permission denied/i);
        await expect(c.query(`COPY out FROM PROGRAM 'cat ${secretFile}'`)).rejects.toThrow();
      });
    } finally {
      fs.rmSync(secretDir, { recursive: true, force: true });
    }
  });
});
