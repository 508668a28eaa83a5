/**
 * Dependencies failing: S3 unreachable or cut off mid-upload, pg_dump missing or older than the
 * server, the database restarting mid-deploy, GitHub answering 5xx or rate limits. Each has one
 * defined outcome, asserted here. Whenever a backup was required and did not complete, the
 * database is unchanged: nothing is applied without a verified backup.
 */
import { createHash } from 'node:crypto';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { deploy, s3BackupStep, type DeployResult } from '../../src/deploy';
import type { S3Location } from '../../src/deploy/backup';
import { withClient } from '../../src/util/pg';
import { startOwnCluster, type OwnCluster } from '../support/fault-cluster';
import { historyOf, latestStatus, migrationProject, spawnDeployChild, userSchemaSnapshot, waitForLockFree, type MigrationProject } from '../support/fault-deploy';
import { startFaultyHttpFront, type FaultRule } from '../support/fault-http';
import { closedPort, startCuttingProxy } from '../support/fault-tcp';
import { FakeGitHub } from '../support/github-server';
import { createTestRepo, ensureBuilt, pullRequestPayload, runAction, type TestRepo } from '../support/github-action-run';
import { createTestDatabase, dropTestDatabases } from '../support/pg';
import { startTestS3, type TestS3 } from '../support/s3';

jest.setTimeout(180_000);

let project: MigrationProject;
beforeAll(() => {
  project = migrationProject({
    '001_ledger.sql': 'CREATE TABLE ledger (id bigint PRIMARY KEY, amount int NOT NULL);\n',
    '002_ledger_memo.sql': 'ALTER TABLE ledger ADD COLUMN memo text;\n',
  });
});
afterAll(async () => {
  project.remove();
  await dropTestDatabases();
});

/** A PostgreSQL 15 database (the machine's pg_dump is 15) with enough random data for a dump of several hundred kB. */
async function seededDatabase(): Promise<string> {
  const url = await createTestDatabase('15');
  await withClient(url, (c) =>
    c.query("CREATE TABLE payload (id int PRIMARY KEY, blob text NOT NULL); INSERT INTO payload SELECT g, md5(g::text) || md5((g * 7)::text) FROM generate_series(1, 30000) g"),
  );
  return url;
}

interface Before {
  schema: string;
}

async function observe(url: string): Promise<Before> {
  return { schema: await withClient(url, userSchemaSnapshot) };
}

/** Refused at the backup line, nothing applied, the user schema as it was, no applied history. */
async function expectRefusedUnchanged(result: DeployResult, url: string, before: Before, messagePattern: RegExp): Promise<string> {
  expect(result.outcome).toBe('refused');
  expect(result.exitCode).toBe(1);
  expect(result.migrations).toEqual([]);
  expect(result.backup).toBeNull();
  const line = result.preflight.find((l) => l.check === 'backup')!;
  expect(line.status).toBe('fail');
  expect(line.message).toMatch(messagePattern);
  expect(line.fix).toBeTruthy();
  expect((await observe(url)).schema).toBe(before.schema);
  await withClient(url, async (c) => expect((await historyOf(c)).filter((r) => r.status === 'applied')).toEqual([]));
  await waitForLockFree(url, 2_000);
  return `${line.message} | fix: ${line.fix}`;
}

describe('S3', () => {
  let s3: TestS3;
  beforeAll(async () => {
    s3 = await startTestS3();
  });
  afterAll(() => s3.stop());

  const location = (endpoint: string, prefix: string): S3Location => ({ bucket: s3.bucket, prefix, ...s3.clientConfig, endpoint });

  async function dumpsUnder(prefix: string): Promise<{ key: string; size: number }[]> {
    const client = new S3Client(s3.clientConfig);
    try {
      const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix }));
      return (listed.Contents ?? []).filter((o) => o.Key!.endsWith('.dump')).map((o) => ({ key: o.Key!, size: o.Size ?? 0 }));
    } finally {
      client.destroy();
    }
  }

  test('S3 unreachable: refused before anything is applied, naming the endpoint problem', async () => {
    const url = await seededDatabase();
    const before = await observe(url);
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const started = Date.now();
    const result = await deploy({ databaseUrl: url, cwd: project.cwd, dirs: project.dirs, backup: s3BackupStep({ s3: location(endpoint, 'unreachable') }) });
    const said = await expectRefusedUnchanged(result, url, before, /backup bucket/);
    // One probe attempt, no long SDK back-off.
    expect(Date.now() - started).toBeLessThan(20_000);
    console.log(`dependencies: S3 unreachable → refused: ${said}`);
  });

  test('the connection is cut mid-upload on every attempt: refused, no dump object counts as a backup', async () => {
    const url = await seededDatabase();
    const before = await observe(url);
    // Probe requests are small; the dump's body is cut after 64 kB on every connection.
    const proxy = await startCuttingProxy({ targetPort: Number(new URL(s3.endpoint).port), cutAfterBytes: 64 * 1024 });
    try {
      const result = await deploy({ databaseUrl: url, cwd: project.cwd, dirs: project.dirs, backup: s3BackupStep({ s3: location(proxy.endpoint, 'cut-always') }) });
      const said = await expectRefusedUnchanged(result, url, before, /./);
      expect(proxy.stats.cut).toBeGreaterThan(0);
      expect(await dumpsUnder('cut-always/')).toEqual([]);
      console.log(`dependencies: upload cut on every attempt (${proxy.stats.cut} connections cut) → refused: ${said}`);
    } finally {
      await proxy.stop();
    }
  });

  test('the first upload connection is cut mid-body: the SDK retries, the backup is verified, then applied', async () => {
    const url = await seededDatabase();
    const flaky = await startCuttingProxy({ targetPort: Number(new URL(s3.endpoint).port), cutAfterBytes: 64 * 1024, maxCuts: 1 });
    try {
      const result = await deploy({ databaseUrl: url, cwd: project.cwd, dirs: project.dirs, backup: s3BackupStep({ s3: location(flaky.endpoint, 'cut-once') }) });
      expect(flaky.stats.cut).toBe(1);
      expect(result.outcome).toBe('applied');
      expect(result.backup).not.toBeNull();
      // The stored object is exactly what was hashed: read it back directly (not through the proxy).
      const client = new S3Client(s3.clientConfig);
      try {
        const key = result.backup!.location.replace(`s3://${s3.bucket}/`, '');
        const object = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
        const bytes = Buffer.from(await object.Body!.transformToByteArray());
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(result.backup!.sha256);
        expect(bytes.length).toBe(result.backup!.bytes);
        expect(bytes.length).toBeGreaterThan(64 * 1024);
      } finally {
        client.destroy();
      }
      await withClient(url, async (c) => expect((await historyOf(c)).map((r) => `${r.version} ${r.status}`)).toEqual(['001 applied', '002 applied']));
    } finally {
      await flaky.stop();
    }
  });

  test('pg_dump missing: refused, naming the program and how to install it', async () => {
    const url = await seededDatabase();
    const before = await observe(url);
    const result = await deploy({
      databaseUrl: url,
      cwd: project.cwd,
      dirs: project.dirs,
      backup: s3BackupStep({ s3: location(s3.endpoint, 'no-pg-dump'), pgDumpPath: '/nonexistent/bin/pg_dump' }),
    });
    const said = await expectRefusedUnchanged(result, url, before, /cannot run pg_dump \(\/nonexistent\/bin\/pg_dump\): ENOENT/);
    expect(said).toMatch(/install the PostgreSQL client programs/);
  });

  test('pg_dump older than the server: refused, naming both versions and the client to install', async () => {
    // The embedded test server is PostgreSQL 18; the machine's pg_dump is 15.
    const url = await createTestDatabase('18');
    const before = await observe(url);
    const result = await deploy({ databaseUrl: url, cwd: project.cwd, dirs: project.dirs, backup: s3BackupStep({ s3: location(s3.endpoint, 'old-pg-dump') }) });
    const said = await expectRefusedUnchanged(result, url, before, /pg_dump 15\.\d+ .* is older than the server \(PostgreSQL 18\.\d+\)/);
    expect(said).toMatch(/postgresql-client-18/);
  });
});

describe('the database restarts mid-deploy (own cluster, pg_ctl restart -m fast)', () => {
  let cluster: OwnCluster;
  beforeAll(async () => {
    cluster = await startOwnCluster();
  });
  afterAll(() => cluster?.stop());

  test('during a transactional migration: it is rolled back, the deploy ends with a clear error, the next deploy finishes', async () => {
    const { url } = await cluster.server.createDatabase();
    const slow = migrationProject({
      '001_orders.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY);\n',
      '002_orders_slow.sql': 'ALTER TABLE orders ADD COLUMN total numeric;\nSELECT pg_sleep(3);\n',
      '003_orders_note.sql': 'ALTER TABLE orders ADD COLUMN note text;\n',
    });
    try {
      const run = spawnDeployChild({ databaseUrl: url, cwd: slow.cwd, dirs: slow.dirs, actor: 'restart' });
      let restarted = false;
      run.onLog((line) => {
        if (!restarted && /^\[2\/3\] 002 .*applying/.test(line)) {
          restarted = true;
          setTimeout(() => cluster.restart(), 400);
        }
      });
      const exit = await run.exited;
      expect(restarted).toBe(true);
      const stderr = run.stderr();
      console.log(`dependencies: database restarted mid-deploy → exit ${exit.code}; result ${run.result()?.outcome ?? "(none)"}; stderr: ${stderr}`);
      // Defined outcome: the deploy fails (exit 1 with a failed result, or 2 with a user error), never a crash.
      expect([1, 2]).toContain(exit.code);
      expect(stderr).not.toMatch(/^\s+at /m);
      if (exit.code === 1) expect(run.result()!.outcome).toBe('failed');
      await waitForLockFree(url, 10_000);
      await withClient(url, async (c) => {
        const latest = latestStatus(await historyOf(c));
        expect(latest.get('001')?.status).toBe('applied');
        expect(latest.get('002')?.status === 'applied').toBe(false);
        const cols = await c.query("SELECT attname FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum");
        expect(cols.rows.map((r) => r.attname)).toEqual(['id']);
      });
      const next = await deploy({ databaseUrl: url, cwd: slow.cwd, dirs: slow.dirs, backup: 'none', actor: 'after-restart' });
      expect(next.outcome).toBe('applied');
      expect(next.migrations.map((m) => m.version)).toEqual(['002', '003']);
    } finally {
      slow.remove();
    }
  });
});

describe('GitHub answering 5xx and rate limits (the built Action against the OpenAPI stand-in)', () => {
  let github: FakeGitHub;
  let repo: TestRepo;
  const TOKEN = 'ghs_dependencyFaults0123456789abcdefXYZ';
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

  async function runBehind(rules: FaultRule[]) {
    const front = await startFaultyHttpFront(github.url, rules);
    try {
      const result = await runAction({
        event: 'pull_request',
        payload: pullRequestPayload('opened', repo),
        inputs: { 'github-token': TOKEN, 'migrations-path': 'db/migrations', mode: 'static', comment: 'on', command: 'auto' },
        apiUrl: front.url,
        workspace: repo.dir,
      });
      return { result, front };
    } finally {
      await front.stop();
    }
  }

  const botComments = () => github.commentsOf(PR).filter((c) => c.user.login === github.botLogin);

  test('502 twice on the check run and a rate limit on the comment list: retried, everything published once', async () => {
    const { result, front } = await runBehind([
      { method: 'POST', path: /\/check-runs$/, status: 502, times: 2 },
      {
        method: 'GET',
        path: /\/issues\/\d+\/comments$/,
        status: 403,
        times: 1,
        headers: () => ({ 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 1) }),
        body: { message: 'API rate limit exceeded', documentation_url: 'https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting' },
      },
      { method: 'POST', path: /\/issues\/\d+\/comments$/, status: 429, times: 1, headers: { 'retry-after': '1' }, body: { message: 'You have exceeded a secondary rate limit' } },
    ]);
    expect(github.violations).toEqual([]);
    expect(front.injected.map((f) => f.status).sort()).toEqual([403, 429, 502, 502]);
    expect(result.code).toBe(1); // the example migrations are blocking: the verdict, not the faults
    expect(github.checkRuns).toHaveLength(1);
    expect(github.checkRuns[0].conclusion).toBe('failure');
    expect(botComments()).toHaveLength(1);
    expect(result.stdout).toMatch(/rate limit/i);
    expect(result.summary).toContain('drydock');
  });

  test('the check-run API keeps failing with 503: a warning, annotations as workflow commands, the comment and summary still published', async () => {
    const { result, front } = await runBehind([{ method: 'POST', path: /\/check-runs$/, status: 503 }]);
    expect(github.violations).toEqual([]);
    // 1 attempt + 3 retries by the retry plugin, then it gives up.
    expect(front.injected.filter((f) => f.path.endsWith('/check-runs'))).toHaveLength(4);
    expect(github.checkRuns).toHaveLength(0);
    expect(result.stdout).toMatch(/::warning::drydock could not create the check run/);
    expect(result.stdout).toMatch(/^::error title=drydock [^\n]*file=db\/migrations\/[345]_/m);
    expect(botComments()).toHaveLength(1);
    expect(result.summary).toContain('drydock');
    expect(result.code).toBe(1);
  });

  test('reading the PR comments keeps failing with 500: the job fails with a clear error, no duplicate comment', async () => {
    const { result } = await runBehind([{ method: 'GET', path: /\/issues\/\d+\/comments$/, status: 500 }]);
    console.log(`dependencies: GitHub 500 on the comment list → exit ${result.code}; ${result.stdout.split('\n').filter((l) => l.startsWith('::error') || l.startsWith('::warning')).join(' | ')}`);
    expect(github.violations).toEqual([]);
    // Without the comment list drydock cannot find its sticky comment; posting a new one would duplicate it.
    expect(botComments()).toHaveLength(0);
    expect(result.code).not.toBe(0);
    // Workflow commands encode newlines as %0A: decode before looking for a stack trace.
    const shown = (result.stdout + result.stderr).replace(/%0A/g, '\n');
    expect(shown).toMatch(/::error::.*500/);
    // A GitHub outage is not a drydock bug: a clear message, not a stack trace.
    expect(shown).not.toMatch(/^\s+at /m);
  });
});
