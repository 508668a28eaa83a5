/**
 * End to end: the built dist/index.js against a local GitHub stand-in that validates every request
 * against GitHub's OpenAPI description. The check runs in static mode (no database) except in the
 * dry-run test, which uses the embedded PostgreSQL.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FakeGitHub } from '../support/github-server';
import {
  createTestRepo,
  ensureBuilt,
  examplePayload,
  issueCommentPayload,
  pullRequestPayload,
  runAction,
  type ActionRun,
  type TestRepo,
} from '../support/github-action-run';

const PR = 2;
const MARKER = '<!-- drydock:report db%2Fmigrations -->';
const TOKEN = 'ghs_e2eTestToken0123456789abcdefABCDEF';

jest.setTimeout(120_000);

beforeAll(() => ensureBuilt(), 600_000);

function inputs(extra: Record<string, string> = {}): Record<string, string> {
  return { 'github-token': TOKEN, 'migrations-path': 'db/migrations', mode: 'static', comment: 'on', command: 'auto', ...extra };
}

function botComments(github: FakeGitHub): { id: number; body: string }[] {
  return github.commentsOf(PR).filter((c) => c.user.login === github.botLogin && c.body.startsWith(MARKER));
}

function expectNoSecrets(run: ActionRun, github: FakeGitHub): void {
  const texts = [run.summary, JSON.stringify(run.outputs), JSON.stringify(run.report), ...github.commentsOf(PR).map((c) => c.body), ...github.checkRuns.map((r) => JSON.stringify(r))];
  for (const t of texts) expect(t).not.toContain(TOKEN);
}

async function startGitHub(): Promise<FakeGitHub> {
  const github = new FakeGitHub();
  await github.start();
  github.permissions.set('octocat', 'write');
  github.permissions.set('mallory', 'read');
  github.permissions.set('Codertocat', 'admin');
  return github;
}

describe('pull request: sticky comment, check run, summary, outputs, acknowledgements', () => {
  let github: FakeGitHub;
  let repo: TestRepo;

  beforeAll(async () => {
    github = await startGitHub();
    repo = createTestRepo();
    github.pulls.set(PR, { head: repo.headSha, base: repo.baseSha });
    // A busy PR: 150 comments from people, so drydock's own comment lands on page 2.
    for (let i = 0; i < 150; i++) github.addComment(PR, i === 7 ? `quoting: ${MARKER}` : `comment ${i}`, i % 2 ? 'hubot' : 'octocat');
  });
  afterAll(async () => {
    await github.stop();
    repo.remove();
  });

  const run = (event: string, payload: Record<string, unknown>, extra: Record<string, string> = {}) =>
    runAction({ event, payload, inputs: inputs(extra), apiUrl: github.url, workspace: repo.dir });

  test('opened: one comment, a failing check with annotations, the summary and the outputs', async () => {
    const result = await run('pull_request', pullRequestPayload('opened', repo));
    expect(github.violations).toEqual([]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('::error::drydock exited with code 1');

    const comments = botComments(github);
    expect(comments).toHaveLength(1);
    expect(github.commentsOf(PR)).toHaveLength(151);
    const body = comments[0].body;
    expect(body.split('\n')[1]).toMatch(/^## 🛑 drydock · db\/migrations: blocking — \d+ findings? at or above `error` must be fixed or acknowledged$/);
    for (const m of ['3_add_order_status', '4_unique_user_email', '5_index_orders_created_at']) expect(body).toContain(`db/migrations/${m}.up.sql`);
    expect(body).not.toContain('1_create_users.up.sql`');
    expect(body).toContain('### Migration guide');
    expect(body).toContain('Run `db/migrations/5_index_orders_created_at.down.sql`');

    expect(github.checkRuns).toHaveLength(1);
    const check = github.checkRuns[0];
    expect(check).toMatchObject({ name: 'drydock (db/migrations)', head_sha: repo.headSha, status: 'completed', conclusion: 'failure' });
    expect(check.output.summary).toContain('blocking');
    expect(check.annotations.length).toBeGreaterThan(0);
    for (const a of check.annotations) {
      expect(a.path).toMatch(/^db\/migrations\/[345]_.*\.up\.sql$/);
      expect(a.start_line).toBeGreaterThanOrEqual(1);
    }
    const failure = check.annotations.find((a) => a.annotation_level === 'failure')!;
    expect(failure.title).toMatch(/\(.+\)$/);

    expect(result.summary).toContain(body.split('\n')[1]);
    expect(result.outputs.risk).toBe('blocking');
    expect(result.outputs['new-migrations']).toBe('3');
    expect(result.outputs['estimated-seconds']).toBe('');
    expect(result.report!.summary.newMigrations).toBe(3);
    expect(result.sarif!.version).toBe('2.1.0');
    expect(result.sarif!.runs[0].results.filter((r: { suppressions?: unknown }) => !r.suppressions).length).toBe(check.annotations.length);
    expect(github.requests.every((r) => r.authorization === `token ${TOKEN}`)).toBe(true);
    expectNoSecrets(result, github);
  });

  test('synchronize: the comment on page 2 is found and updated, never duplicated', async () => {
    const before = botComments(github)[0].id;
    const result = await run('pull_request', pullRequestPayload('synchronize', repo));
    expect(github.violations).toEqual([]);
    expect(result.code).toBe(1);
    expect(botComments(github)).toHaveLength(1);
    expect(botComments(github)[0].id).toBe(before);
    expect(github.requestsTo('POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments')).toHaveLength(1);
    const pages = github.requestsTo('GET', '/repos/{owner}/{repo}/issues/{issue_number}/comments').map((r) => r.query.get('page') ?? '1');
    expect(pages).toContain('2');
    // The user's comment that quotes the marker is left alone.
    expect(github.commentsOf(PR)[7].body).toBe(`quoting: ${MARKER}`);
  });

  test('an acknowledgement by a user without write access is refused', async () => {
    const before = botComments(github)[0].body;
    const comment = github.addComment(PR, '/drydock ack all looks fine to me', 'mallory');
    const payload = issueCommentPayload(PR, comment.body, 'mallory');
    payload.comment.id = comment.id;
    const result = await run('issue_comment', payload);
    expect(github.violations).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('ignored the command of @mallory');
    expect(botComments(github)[0].body).toBe(before);
    expect(github.reactions).toContainEqual(expect.objectContaining({ commentId: comment.id, content: '-1' }));
    expect(github.checkRuns.at(-1)!.conclusion).toBe('failure');
  });

  test('an acknowledgement by a user with write access passes the gate and is recorded', async () => {
    const comment = github.addComment(PR, 'Reviewed with the DBA.\n/drydock ack all tables are small, deploy runs at night', 'octocat');
    const payload = issueCommentPayload(PR, comment.body, 'octocat');
    payload.comment.id = comment.id;
    const result = await run('issue_comment', payload);
    expect(github.violations).toEqual([]);
    expect(result.code).toBe(0);
    const body = botComments(github)[0].body;
    expect(body.split('\n')[1]).toContain('needs review');
    expect(body).toContain('#### Acknowledgements');
    expect(body).toContain('@&#8203;octocat | tables are small, deploy runs at night |');
    expect(github.reactions).toContainEqual(expect.objectContaining({ commentId: comment.id, content: '+1' }));
    // The latest check run of the head commit now passes as "neutral".
    expect(github.checkRuns.at(-1)!.conclusion).toBe('neutral');
    expect(github.requestsTo('GET', '/repos/{owner}/{repo}/collaborators/{username}/permission').map((r) => r.path.split('/').at(-2))).toEqual(['mallory', 'octocat']);

    // A later run of the same commit keeps the acknowledgement.
    const again = await run('pull_request', pullRequestPayload('synchronize', repo));
    expect(again.code).toBe(0);
    expect(again.outputs.risk).toBe('needs-review');
    expect(github.checkRuns.at(-1)!.conclusion).toBe('neutral');
    expect(botComments(github)).toHaveLength(1);
  });

  test('changing the SQL voids the acknowledgement', async () => {
    const file = path.join(repo.dir, 'db/migrations/3_add_order_status.up.sql');
    repo.commit({ 'db/migrations/3_add_order_status.up.sql': fs.readFileSync(file, 'utf8') + '\n-- tweak\nCREATE INDEX orders_shipped_idx ON orders (shipped_at);\n' }, 'change 3');
    github.pulls.set(PR, { head: repo.headSha, base: repo.baseSha });
    const result = await run('pull_request', pullRequestPayload('synchronize', repo));
    expect(github.violations).toEqual([]);
    expect(result.code).toBe(1);
    const body = botComments(github)[0].body;
    expect(body.split('\n')[1]).toContain('blocking');
    expect(body).toMatch(/acknowledgement by @&#8203;octocat \*\*voided\*\* — the migration changed since/);
    expect(github.checkRuns.at(-1)).toMatchObject({ head_sha: repo.headSha, conclusion: 'failure' });
  });

  test('the drydock:accepted label from a maintainer acknowledges the blocking findings', async () => {
    github.labels.set(PR, ['drydock:accepted']);
    const payload = pullRequestPayload('labeled', repo, { label: 'drydock:accepted', sender: 'Codertocat', labels: ['drydock:accepted'] });
    const result = await run('pull_request', payload);
    expect(github.violations).toEqual([]);
    expect(result.code).toBe(0);
    expect(botComments(github)[0].body).toContain('(label) | label drydock:accepted |');
  });

  test('changing the SQL again voids the label acknowledgement and takes the label off', async () => {
    const file = path.join(repo.dir, 'db/migrations/4_unique_user_email.up.sql');
    repo.commit({ 'db/migrations/4_unique_user_email.up.sql': fs.readFileSync(file, 'utf8') + '\n-- reviewed\n' }, 'change 4');
    const result = await run('pull_request', pullRequestPayload('synchronize', repo, { labels: ['drydock:accepted'] }));
    expect(github.violations).toEqual([]);
    expect(result.code).toBe(1);
    expect(botComments(github)[0].body).toMatch(/acknowledgement by @&#8203;Codertocat \*\*voided\*\*/);
    expect(github.requestsTo('DELETE', '/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}')).toHaveLength(1);
    expect(github.labels.get(PR)).toEqual([]);
  });

  test('when the PR no longer adds migrations, the comment says so', async () => {
    const payload = pullRequestPayload('synchronize', repo);
    payload.pull_request.base.sha = repo.headSha;
    const result = await run('pull_request', payload);
    expect(github.violations).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.outputs['new-migrations']).toBe('0');
    expect(botComments(github)).toHaveLength(1);
    expect(botComments(github)[0].body).toContain('This pull request no longer adds migrations in `db/migrations`.');
  });
});

describe('fork pull request: read-only token', () => {
  let github: FakeGitHub;
  let repo: TestRepo;
  beforeAll(async () => {
    github = await startGitHub();
    github.forbidden.add('comments');
    github.forbidden.add('checks');
    repo = createTestRepo();
  });
  afterAll(async () => {
    await github.stop();
    repo.remove();
  });

  test('403 on comment and check creation: summary, outputs and annotations; exit follows the findings', async () => {
    const payload = pullRequestPayload('opened', repo, { fork: true });
    const failing = await runAction({ event: 'pull_request', payload, inputs: inputs(), apiUrl: github.url, workspace: repo.dir });
    expect(github.violations).toEqual([]);
    expect(failing.code).toBe(1);
    expect(failing.summary).toContain('## 🛑 drydock · db/migrations: blocking');
    expect(failing.outputs.risk).toBe('blocking');
    expect(failing.stdout).toContain('workflow_run pattern in docs/github.md');
    expect(failing.stdout).toMatch(/::error title=drydock [a-z-]+ \([^)]+\),file=db\/migrations\/[345]_[a-z_]+\.up\.sql,line=\d+/);
    expect(github.commentsOf(PR)).toHaveLength(0);
    expect(github.checkRuns).toHaveLength(0);

    const lenient = await runAction({ event: 'pull_request', payload, inputs: inputs({ 'fail-on': 'never' }), apiUrl: github.url, workspace: repo.dir });
    expect(lenient.code).toBe(0);
    expect(lenient.summary).toContain('drydock · db/migrations');
    expect(lenient.outputs['new-migrations']).toBe('3');
  });
});

describe('fork pull request: the workflow_run publisher', () => {
  let github: FakeGitHub;
  let repo: TestRepo;
  let artifact: string;
  beforeAll(async () => {
    github = await startGitHub();
    repo = createTestRepo();
    github.pulls.set(PR, { head: repo.headSha, base: repo.baseSha });
    // The unprivileged run: read-only token, report saved for the artifact.
    github.forbidden.add('comments');
    github.forbidden.add('checks');
    const check = await runAction({ event: 'pull_request', payload: pullRequestPayload('opened', repo, { fork: true }), inputs: inputs(), apiUrl: github.url, workspace: repo.dir });
    github.forbidden.clear();
    artifact = path.join(repo.dir, '..', `${path.basename(repo.dir)}-artifact.json`);
    fs.writeFileSync(artifact, JSON.stringify(check.report));
  });
  afterAll(async () => {
    await github.stop();
    repo.remove();
    fs.rmSync(artifact, { force: true });
  });

  function workflowRunPayload(headSha: string) {
    const payload = examplePayload('workflow_run', 'completed');
    payload.workflow_run.head_sha = headSha;
    payload.workflow_run.event = 'pull_request';
    return payload;
  }

  test('publishes the artifact as comment and check run on the PR head', async () => {
    const result = await runAction({
      event: 'workflow_run',
      payload: workflowRunPayload(repo.headSha),
      inputs: inputs({ 'report-file': artifact, 'pr-number': String(PR) }),
      apiUrl: github.url,
      workspace: repo.dir,
    });
    expect(github.violations).toEqual([]);
    expect(result.stdout).toContain('drydock: publish (event workflow_run.completed)');
    expect(result.code).toBe(1);
    expect(botComments(github)).toHaveLength(1);
    expect(botComments(github)[0].body.split('\n')[1]).toContain('blocking');
    expect(github.checkRuns).toHaveLength(1);
    expect(github.checkRuns[0]).toMatchObject({ head_sha: repo.headSha, conclusion: 'failure' });
  });

  test('an artifact for another commit is not published; a malformed one is rejected', async () => {
    const stale = await runAction({
      event: 'workflow_run',
      payload: workflowRunPayload('0123456789abcdef0123456789abcdef01234567'),
      inputs: inputs({ 'report-file': artifact, 'pr-number': String(PR) }),
      apiUrl: github.url,
      workspace: repo.dir,
    });
    expect(stale.code).toBe(0);
    expect(stale.stdout).toContain('not published');
    expect(github.checkRuns).toHaveLength(1);
    const bad = path.join(repo.dir, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ version: 1, summary: { newMigrations: 1 }, migrations: [{ id: 'x' }], integrity: [], sources: [] }));
    const rejected = await runAction({
      event: 'workflow_run',
      payload: workflowRunPayload(repo.headSha),
      inputs: inputs({ 'report-file': bad, 'pr-number': String(PR) }),
      apiUrl: github.url,
      workspace: repo.dir,
    });
    expect(rejected.code).toBe(1);
    expect(rejected.stdout).toContain('report-file is not a drydock report: migrations[0]: id, path and checksum must be strings');
    expect(github.violations).toEqual([]);
  });
});

describe('other events', () => {
  let github: FakeGitHub;
  let repo: TestRepo;
  beforeAll(async () => {
    github = await startGitHub();
    repo = createTestRepo();
  });
  afterAll(async () => {
    await github.stop();
    repo.remove();
  });

  test('push to the default branch routes to deploy', async () => {
    const payload = examplePayload('push');
    const onMaster = (require('@octokit/webhooks-examples') as { name: string; examples: Record<string, any>[] }[])
      .find((e) => e.name === 'push')!
      .examples.find((e) => e.ref === 'refs/heads/master')!;
    Object.assign(payload, JSON.parse(JSON.stringify(onMaster)), { before: repo.baseSha, after: repo.headSha });
    const result = await runAction({ event: 'push', payload, inputs: inputs(), apiUrl: github.url, workspace: repo.dir, sha: repo.headSha });
    expect(result.stdout).toContain('drydock: deploy (event push)');
    if (!fs.existsSync(path.resolve(__dirname, '../../src/deploy/index.ts'))) {
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('::error::drydock deploy is not available in this version of the Action');
    }
    expect(github.violations).toEqual([]);
  });

  test('dry run with the embedded PostgreSQL: traced locks and a timed report', async () => {
    const result = await runAction({
      event: 'pull_request',
      payload: pullRequestPayload('opened', repo),
      inputs: inputs({ mode: 'dry-run', comment: 'on' }),
      apiUrl: github.url,
      workspace: repo.dir,
    });
    expect(github.violations).toEqual([]);
    expect(result.report!.mode).toBe('dry-run');
    expect(result.report!.server).not.toBeNull();
    const body = botComments(github)[0].body;
    expect(body).toContain(`PostgreSQL: dry-run on \`${result.report!.server.version}\``);
    expect(body).not.toContain('(predicted)');
    expect(result.code).toBe(1);
  }, 240_000);
});
