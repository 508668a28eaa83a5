/**
 * End to end: the built dist/index.js deploys examples/migrations on a `push` to the default branch
 * and rolls the latest one back on `workflow_dispatch`, against the machine's PostgreSQL 15 (so
 * pg_dump 15 can back it up), s3rver for the backup, and the GitHub stand-in that validates every
 * request against the OpenAPI description.
 */
import { execFileSync } from 'node:child_process';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { withClient } from '../../src/util/pg';
import { DeployFakeGitHub } from '../support/github-deploy-routes';
import { createTestRepo, ensureBuilt, examplePayload, runAction, type ActionRun, type TestRepo } from '../support/github-action-run';
import { createTestDatabase, dropTestDatabases } from '../support/pg';
import { startTestS3, type TestS3 } from '../support/s3';

const TOKEN = 'ghs_e2eDeployToken0123456789abcdefABCDEF';
const DB_PASSWORD = 'Db-pa55word-e2e-7f3k';
const S3_SECRET = 'S3-secret-e2e-4q9z-never-print';
const EARLIER_CHANGELOG = '# Changelog\n\n## Deploy 4100 to production: applied (2025-01-02)\n\n### 0 · earlier\n';

jest.setTimeout(180_000);

let github: DeployFakeGitHub;
let s3: TestS3;
let repo: TestRepo;
let databaseUrl: string;

beforeAll(async () => {
  ensureBuilt();
  github = new DeployFakeGitHub();
  await github.start();
  s3 = await startTestS3();
  repo = createTestRepo();
  // The test server trusts local connections; the password is there to prove it never leaks.
  const url = new URL(await createTestDatabase('15'));
  url.password = DB_PASSWORD;
  databaseUrl = url.toString();
  github.files.set('CHANGELOG.md', EARLIER_CHANGELOG);
  // Migrations 1–2 came with PR 1, migrations 3–5 with PR 2; an open PR also contains PR 2's commit.
  github.commitPulls.set(repo.baseSha, [{ number: 1, mergedAt: '2025-05-01T10:00:00Z' }]);
  github.commitPulls.set(repo.headSha, [
    { number: 7, mergedAt: null },
    { number: 2, mergedAt: '2025-05-02T10:00:00Z' },
  ]);
}, 600_000);

afterAll(async () => {
  await github?.stop();
  await s3?.stop();
  repo?.remove();
  await dropTestDatabases();
});

function deployInputs(extra: Record<string, string> = {}): Record<string, string> {
  return {
    'github-token': TOKEN,
    'migrations-path': 'db/migrations',
    'database-url': databaseUrl,
    backup: 'pg-dump',
    'backup-bucket': s3.bucket,
    'backup-prefix': 'drydock/e2e',
    'backup-region': 'us-east-1',
    'backup-endpoint': s3.endpoint,
    'backup-force-path-style': 'true',
    'backup-access-key-id': s3.clientConfig.credentials.accessKeyId,
    'backup-secret-access-key': S3_SECRET,
    'changelog-path': 'CHANGELOG.md',
    'lock-timeout': '5s',
    command: 'auto',
    ...extra,
  };
}

/** Files each commit added, as the push payload lists them. */
function addedBy(sha: string): string[] {
  return execFileSync('git', ['show', '--name-only', '--diff-filter=A', '--format=', sha], { cwd: repo.dir, encoding: 'utf8' }).split('\n').filter(Boolean);
}

/** GitHub's push example, moved to the default branch and rewritten to the test repository's two commits. */
function pushPayload(): Record<string, any> {
  const payload = examplePayload('push');
  const template = examplePayload('push').head_commit;
  payload.ref = `refs/heads/${payload.repository.default_branch}`;
  payload.before = '0'.repeat(40);
  payload.after = repo.headSha;
  payload.created = true;
  payload.commits = [repo.baseSha, repo.headSha].map((id) => ({ ...template, id, tree_id: id, added: addedBy(id), removed: [], modified: [] }));
  payload.head_commit = payload.commits[1];
  return payload;
}

async function historyRows(): Promise<{ version: string; status: string }[]> {
  return withClient(databaseUrl, async (c) => (await c.query<{ version: string; status: string }>('SELECT version, status FROM drydock.migration_history ORDER BY id')).rows);
}

async function backupExists(uri: string): Promise<number> {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  expect(match).not.toBeNull();
  const client = new S3Client(s3.clientConfig);
  try {
    const head = await client.send(new HeadObjectCommand({ Bucket: match![1], Key: match![2] }));
    return head.ContentLength ?? 0;
  } finally {
    client.destroy();
  }
}

function expectNoSecrets(run: ActionRun): void {
  // The runner swallows `::add-mask::` commands; everything else it prints or stores counts.
  const stdout = run.stdout
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
  const texts = [
    stdout,
    run.stderr,
    run.summary,
    JSON.stringify(run.outputs),
    JSON.stringify(run.outputFiles),
    JSON.stringify(github.deployments),
    JSON.stringify(github.fileCommits),
    JSON.stringify([...github.comments.values()]),
  ];
  for (const text of texts) {
    for (const secret of [DB_PASSWORD, S3_SECRET, TOKEN]) expect(text).not.toContain(secret);
  }
}

function botComment(pr: number): string {
  const ours = github.commentsOf(pr).filter((c) => c.user.login === github.botLogin);
  expect(ours).toHaveLength(1);
  return ours[0].body;
}

describe('deploy on push, rollback on workflow_dispatch', () => {
  let deployRun: ActionRun;

  test('push to the default branch: migrations applied, backup, deployment, PR comments, CHANGELOG.md, summary', async () => {
    // Another workflow commits to CHANGELOG.md between drydock's read and its write: drydock re-reads and retries once.
    github.beforeNextPut = (p) => github.files.set(p, `${github.files.get(p)}\n## Deploy 4200 to staging: applied (2025-05-03)\n`);
    deployRun = await runAction({ event: 'push', payload: pushPayload(), inputs: deployInputs(), apiUrl: github.url, workspace: repo.dir, sha: repo.headSha });
    expect(github.violations).toEqual([]);
    expect(deployRun.stdout).toContain('drydock: deploy (event push)');
    expect(deployRun.code).toBe(0);

    expect(await historyRows()).toEqual(['1', '2', '3', '4', '5'].map((version) => ({ version, status: 'applied' })));

    const outputs = deployRun.outputs;
    expect(outputs.applied).toBe('5');
    expect(outputs['deploy-id']).toBe('4242');
    expect(outputs['backup-uri']).toMatch(new RegExp(`^s3://${s3.bucket}/drydock/e2e/.+-4242\\.dump$`));
    expect(await backupExists(outputs['backup-uri'])).toBeGreaterThan(0);

    const changelog = JSON.parse(deployRun.outputFiles['changelog-json']);
    expect(changelog).toMatchObject({ kind: 'deploy', deployId: '4242', environment: 'production', outcome: 'applied', backup: outputs['backup-uri'] });
    expect(changelog.entries.map((e: { version: string }) => e.version)).toEqual(['1', '2', '3', '4', '5']);
    expect(changelog.entries[2].changes).toEqual([
      { type: 'schema', table: 'public.orders', description: "add column status text NOT NULL DEFAULT 'pending' to public.orders", rollback: 'ALTER TABLE orders DROP COLUMN status' },
      { type: 'schema', table: 'public.orders', description: 'create index orders_status_idx on public.orders (status)', rollback: 'DROP INDEX orders_status_idx' },
      expect.objectContaining({ type: 'data', table: 'public.orders', description: 'update public.orders set status where shipped_at IS NOT NULL' }),
    ]);
    const markdown = deployRun.outputFiles['changelog-markdown'];
    expect(markdown).toMatch(/^## Deploy 4242 to production: applied \(\d{4}-\d\d-\d\d\)/);
    expect(markdown).toContain("add column status text NOT NULL DEFAULT 'pending' to public.orders");

    // The deployment: created for the pushed commit without merging or waiting for statuses, then finished.
    expect(github.deployments).toHaveLength(1);
    const deployment = github.deployments[0];
    expect(deployment).toMatchObject({ ref: repo.headSha, environment: 'production', task: 'deploy:migrations', autoMerge: false, requiredContexts: [] });
    expect(deployment.statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
    expect(deployment.statuses[1].description).toBe('applied: 5 migrations applied');
    expect(deployment.statuses[1].log_url).toBe('https://github.com/Codertocat/Hello-World/actions/runs/4242');

    // Each merged PR gets the changelog of the migrations it brought; the open PR gets nothing.
    const first = botComment(1);
    expect(first).toContain('drydock deployed 2 migrations from this pull request to production');
    expect(first).toContain('db/migrations/1_create_users.up.sql');
    expect(first).not.toContain('3_add_order_status');
    const second = botComment(2);
    expect(second).toContain('drydock deployed 3 migrations from this pull request to production');
    expect(second).toContain("add column status text NOT NULL DEFAULT 'pending' to public.orders");
    expect(second).toContain('`ALTER TABLE orders DROP COLUMN status`');
    expect(second).not.toContain('1_create_users');
    expect(github.commentsOf(7)).toEqual([]);
    expect(github.requestsTo('GET', '/repos/{owner}/{repo}/commits/{commit_sha}/pulls').map((r) => r.path.split('/')[5])).toEqual([repo.baseSha, repo.headSha]);

    // CHANGELOG.md: 409 on the stale sha, re-read, the entry appended after both earlier ones.
    expect(github.requestsTo('PUT', '/repos/{owner}/{repo}/contents/{path}')).toHaveLength(2);
    expect(github.fileCommits).toHaveLength(1);
    const file = github.files.get('CHANGELOG.md')!;
    expect(file.startsWith(EARLIER_CHANGELOG)).toBe(true);
    expect(file).toContain('## Deploy 4200 to staging');
    expect(file.indexOf('## Deploy 4242 to production')).toBeGreaterThan(file.indexOf('## Deploy 4200 to staging'));
    expect(github.fileCommits[0].message).toBe('drydock: changelog of deploy 4242 to production [skip ci]');

    expect(deployRun.summary).toContain(markdown.split('\n')[0]);
    expect(deployRun.summary).toContain(markdown.trim());
    expect(deployRun.summary).toContain('create index concurrently orders\\_created\\_at\\_idx on public.orders (created\\_at)');
    expect(deployRun.summary).toContain('Deploy report');
    expectNoSecrets(deployRun);
  });

  test('workflow_dispatch rollback-steps 1: the latest migration undone, backup first, deployment status, summary', async () => {
    const payload = examplePayload('workflow_dispatch');
    const run = await runAction({
      event: 'workflow_dispatch',
      payload,
      inputs: deployInputs({ command: 'rollback', 'rollback-steps': '1' }),
      apiUrl: github.url,
      workspace: repo.dir,
      sha: repo.headSha,
    });
    expect(github.violations).toEqual([]);
    expect(run.code).toBe(0);

    const rows = await historyRows();
    expect(rows).toHaveLength(6);
    expect(rows[5]).toEqual({ version: '5', status: 'rolled_back' });
    const index = await withClient(databaseUrl, (c) => c.query("SELECT 1 FROM pg_indexes WHERE indexname = 'orders_created_at_idx'"));
    expect(index.rowCount).toBe(0);

    expect(run.outputs['rolled-back']).toBe('1');
    expect(run.outputs.applied).toBe('0');
    expect(run.outputs['deploy-id']).toBe('4242');
    expect(run.outputs['backup-uri']).not.toBe(deployRun.outputs['backup-uri']);
    expect(await backupExists(run.outputs['backup-uri'])).toBeGreaterThan(0);
    const changelog = JSON.parse(run.outputFiles['changelog-json']);
    expect(changelog).toMatchObject({ kind: 'rollback', rollbackId: '4242', outcome: 'rolled-back', rolledBack: ['5'] });
    expect(run.outputFiles['changelog-markdown']).toContain('### Rollback 4242: rolled back');

    expect(github.deployments).toHaveLength(2);
    const deployment = github.deployments[1];
    expect(deployment).toMatchObject({ ref: repo.headSha, environment: 'production', task: 'rollback:migrations', autoMerge: false, requiredContexts: [] });
    expect(deployment.statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
    expect(deployment.statuses[1].description).toBe('rolled-back: 5');

    expect(run.summary).toContain('### Rollback 4242: rolled back');
    expect(run.summary).toContain('Rolled back: `5`');
    expect(github.files.get('CHANGELOG.md')).toContain('### Rollback 4242: rolled back');
    expect(github.fileCommits.at(-1)!.message).toBe('drydock: changelog of rollback 4242 on production [skip ci]');
    // No PR comment for a rollback.
    expect(github.requestsTo('POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments')).toHaveLength(2);
    expectNoSecrets(run);
  });
});
