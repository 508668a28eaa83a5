/**
 * The GitHub modules against the local stand-in, which validates each request against GitHub's
 * OpenAPI description: sticky-comment search across pages, check-run annotation batching,
 * permission checks, and the retry plugin.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { hasWriteAccess } from '../../src/github/ack';
import { publishCheckRun, type CheckAnnotation } from '../../src/github/checks';
import { createGitHubClient, isPermissionError } from '../../src/github/client';
import { findStickyComment, resolveBotLogin, upsertStickyComment } from '../../src/github/sticky-comment';
import { FakeGitHub } from '../support/github-server';

const TOKEN = 'ghs_clientApiTest0123456789abcdef';
let github: FakeGitHub;

beforeAll(async () => {
  github = new FakeGitHub();
  await github.start();
});
afterAll(() => github.stop());

const target = () => ({ owner: github.owner, repo: github.repo, issueNumber: 7 });
const client = () => createGitHubClient(TOKEN, { baseUrl: github.url, retries: 0 });

test('the sticky comment is found on page 3 by marker and author, and updated in place', async () => {
  const marker = '<!-- drydock:report default -->';
  for (let i = 0; i < 230; i++) github.addComment(7, `chatter ${i}`, 'octocat');
  github.addComment(7, `${marker}\nfake, by a person`, 'mallory');
  github.addComment(7, `${marker}\nanother bot`, 'renovate[bot]', 'Bot');
  const ours = github.addComment(7, `${marker}\nold report`, 'github-actions[bot]', 'Bot');
  const c = client();
  const login = await resolveBotLogin(c);
  expect(login).toBe('github-actions[bot]');
  const found = await findStickyComment(c, target(), marker, login);
  expect(found).toEqual({ id: ours.id, body: `${marker}\nold report` });
  const pages = github.requestsTo('GET', '/repos/{owner}/{repo}/issues/{issue_number}/comments').map((r) => r.query.get('page') ?? '1');
  expect(pages).toEqual(['1', '2', '3']);
  expect(await upsertStickyComment(c, target(), found, `${marker}\nnew report`)).toEqual({ id: ours.id, action: 'updated' });
  expect(await upsertStickyComment(c, target(), { id: ours.id, body: `${marker}\nnew report` }, `${marker}\nnew report`)).toEqual({ id: ours.id, action: 'unchanged' });
  expect(github.commentsOf(7).filter((x) => x.body.startsWith(marker))).toHaveLength(3);
  expect(github.violations).toEqual([]);
});

test('no comment yet: one is created', async () => {
  const c = client();
  const t = { ...target(), issueNumber: 8 };
  expect(await findStickyComment(c, t, '<!-- drydock:report x -->', 'github-actions[bot]')).toBeNull();
  const created = await upsertStickyComment(c, t, null, '<!-- drydock:report x -->\nhello');
  expect(created.action).toBe('created');
  expect(github.commentsOf(8)).toHaveLength(1);
});

test('120 annotations: one create with 50, then two updates of 50 and 20', async () => {
  const annotations: CheckAnnotation[] = Array.from({ length: 120 }, (_, i) => ({
    path: 'db/migrations/3_x.up.sql',
    start_line: i + 1,
    end_line: i + 1,
    start_column: 1,
    annotation_level: i % 2 ? 'warning' : 'failure',
    title: `rule-${i}`,
    message: `finding ${i}`,
  }));
  const before = github.requests.length;
  const { id, requests } = await publishCheckRun(client(), {
    owner: github.owner,
    repo: github.repo,
    headSha: 'a'.repeat(40),
    name: 'drydock',
    conclusion: 'failure',
    title: 'Blocking',
    summary: 'x'.repeat(70000),
    annotations,
  });
  expect(requests).toBe(3);
  const sent = github.requests.slice(before);
  expect(sent.map((r) => `${r.method} ${r.operation}`)).toEqual([
    'POST /repos/{owner}/{repo}/check-runs',
    'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}',
    'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}',
  ]);
  expect(sent.map((r) => r.body!.output.annotations.length)).toEqual([50, 50, 20]);
  const run = github.checkRuns.find((r) => r.id === id)!;
  expect(run.annotations).toHaveLength(120);
  expect(run.output.summary!.length).toBeLessThanOrEqual(65535);
  expect(github.violations).toEqual([]);
});

test('write access: admin and write yes; read, none and strangers no', async () => {
  github.permissions.set('admin-user', 'admin');
  github.permissions.set('writer', 'write');
  github.permissions.set('reader', 'read');
  github.permissions.set('nobody', 'none');
  const c = client();
  expect(await hasWriteAccess(c, github.owner, github.repo, 'admin-user')).toBe(true);
  expect(await hasWriteAccess(c, github.owner, github.repo, 'writer')).toBe(true);
  expect(await hasWriteAccess(c, github.owner, github.repo, 'reader')).toBe(false);
  expect(await hasWriteAccess(c, github.owner, github.repo, 'nobody')).toBe(false);
  expect(await hasWriteAccess(c, github.owner, github.repo, 'stranger')).toBe(false);
});

test('a read-only token: 403 is a permission error, not retried', async () => {
  github.forbidden.add('comments');
  try {
    const before = github.requests.length;
    const error = await upsertStickyComment(createGitHubClient(TOKEN, { baseUrl: github.url }), { ...target(), issueNumber: 9 }, null, 'x').catch((e) => e);
    expect(isPermissionError(error)).toBe(true);
    expect(github.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([`POST /repos/${github.owner}/${github.repo}/issues/9/comments`]);
  } finally {
    github.forbidden.delete('comments');
  }
});

test('a 502 is retried by the retry plugin', async () => {
  let calls = 0;
  const flaky = http.createServer((_req, res) => {
    calls++;
    res.writeHead(calls === 1 ? 502 : 200, { 'content-type': 'application/json' });
    res.end(calls === 1 ? '{"message":"bad gateway"}' : '{"permission":"write","role_name":"write","user":{"login":"x"}}');
  });
  await new Promise<void>((r) => flaky.listen(0, '127.0.0.1', r));
  try {
    const c = createGitHubClient(TOKEN, { baseUrl: `http://127.0.0.1:${(flaky.address() as AddressInfo).port}`, retries: 2 });
    expect(await hasWriteAccess(c, 'o', 'r', 'x')).toBe(true);
    expect(calls).toBe(2);
  } finally {
    await new Promise<void>((r) => flaky.close(() => r()));
  }
});
