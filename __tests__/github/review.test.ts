import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveCommand } from '../../src/action/run';
import { parseBotCommands, recordAck } from '../../src/github/ack';
import { readEventContext } from '../../src/github/event';
import { evaluateReview, factsLine, initialState, parseState, reconcileAcks, serializeState } from '../../src/report/markdown';
import { toSarif } from '../../src/report/sarif';
import { fullReport } from '../support/github-report';
import { examplePayload } from '../support/github-action-run';

describe('bot commands', () => {
  test('ack with an id or all, a reason required; rerun; other lines ignored', () => {
    expect(
      parseBotCommands('LGTM\n/drydock ack require-concurrent-index@3#1 built at night, table has 300 rows\r\n  /drydock rerun\n/drydock ack all\n/drydock nuke\nnot /drydock ack x y'),
    ).toEqual([
      { kind: 'ack', target: 'require-concurrent-index@3#1', reason: 'built at night, table has 300 rows' },
      { kind: 'rerun' },
      { kind: 'invalid', line: '/drydock ack all', problem: 'give a reason: /drydock ack <finding-id|all> <reason>' },
      { kind: 'invalid', line: '/drydock nuke', problem: 'unknown command; use /drydock ack <finding-id|all> <reason> or /drydock rerun' },
    ]);
    expect(parseBotCommands('/drydockack all x')).toEqual([]);
  });
});

describe('review gate', () => {
  const report = fullReport();
  const state = () => initialState(report, 'error', factsLine(report), 'abc');

  test('blocking until every gate finding is acknowledged', () => {
    expect(evaluateReview(state()).verdict).toBe('blocking');
    const one = recordAck(state(), 'changing-column-type:20240301092000:1', 'octocat', 'ok', 'comment', new Date());
    expect(one.acknowledged).toEqual(['changing-column-type:20240301092000:1']);
    expect(evaluateReview(one.state).verdict).toBe('blocking');
    const all = recordAck(one.state, 'ALL', 'octocat', 'ok', 'comment', new Date());
    expect(evaluateReview(all.state).verdict).toBe('needs-review');
    expect(recordAck(state(), 'no-such-id', 'octocat', 'ok', 'comment', new Date()).unknown).toEqual(['no-such-id']);
  });

  test('fail-on decides what gates: warning gates the lock-timeout warning too, never gates nothing', () => {
    expect(initialState(report, 'warning', '', null).findings.map((f) => f.severity)).toEqual(['error', 'error', 'warning']);
    expect(evaluateReview(initialState(report, 'never', '', null)).verdict).toBe('needs-review');
  });

  test('an edited applied migration blocks until acknowledged, like a finding', () => {
    const edited = fullReport();
    edited.migrations[0].isNew = false;
    edited.integrity = [{ kind: 'modified', path: edited.migrations[0].path, message: 'changed after it was applied' }];
    const gate = initialState(edited, 'error', '', null);
    expect(gate.findings.map((f) => f.id)).toContain('integrity:db/migrations/20240301090000_create_audit_log.up.sql');
    expect(initialState(edited, 'never', '', null).findings).toEqual([]);
    const acked = recordAck(gate, 'integrity:db/migrations/20240301090000_create_audit_log.up.sql', 'octocat', 'comment-only edit', 'comment', new Date());
    expect(acked.unknown).toEqual([]);
  });

  test('an acknowledgement is void once the migration checksum changes', () => {
    const acked = recordAck(state(), 'all', 'octocat', 'ok', 'comment', new Date('2026-01-01T00:00:00Z')).state;
    const changed = state().findings.map((f) => (f.id.startsWith('changing') ? { ...f, checksum: '0000000000000000' } : f));
    const { acks, voided } = reconcileAcks(changed, acked.acks);
    expect(acks.map((a) => a.id)).toEqual(['require-concurrent-index-creation:20240301091000:1']);
    expect(voided.map((a) => a.id)).toEqual(['changing-column-type:20240301092000:1']);
    // A finding fixed since (gone from the list) drops its acknowledgement silently.
    expect(reconcileAcks(changed.slice(0, 1), acked.acks)).toEqual({ acks: [acks[0]], voided: [] });
  });

  test('the hidden state survives hostile reasons and is read from the last block', () => {
    const acked = recordAck(state(), 'all', 'm', '--> <!-- drydock:state {"version":1} --> </details>', 'comment', new Date()).state;
    const block = serializeState(acked);
    expect(block.indexOf('-->')).toBe(block.length - 3);
    const forged = `<!-- drydock:state {"version":1,"findings":[],"acks":[]} -->`;
    expect(parseState(`${forged}\nbody\n${block}`)).toEqual(acked);
    expect(parseState('no state')).toBeNull();
    expect(parseState('<!-- drydock:state {broken -->')).toBeNull();
  });
});

describe('SARIF', () => {
  test('one result per finding at its statement, rules listed once, ids as fingerprints', () => {
    const report = fullReport();
    report.migrations[2].statements[0].findings[1].suppressed = { by: 'ignore', reason: 'runner sets it' };
    const sarif = toSarif(report);
    const run = sarif.runs[0];
    expect(sarif.version).toBe('2.1.0');
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(['require-concurrent-index-creation', 'changing-column-type', 'require-lock-timeout']);
    expect(run.results.map((r) => [r.ruleId, r.level, r.locations[0].physicalLocation.artifactLocation.uri, r.locations[0].physicalLocation.region.startLine])).toEqual([
      ['require-concurrent-index-creation', 'error', 'db/migrations/20240301091000_index_users_email.up.sql', 1],
      ['changing-column-type', 'error', 'db/migrations/20240301092000_orders_total_numeric.up.sql', 1],
      ['require-lock-timeout', 'warning', 'db/migrations/20240301092000_orders_total_numeric.up.sql', 1],
    ]);
    expect(run.results[2].suppressions).toEqual([{ kind: 'inSource', justification: 'runner sets it' }]);
    expect(run.results[0].partialFingerprints).toEqual({ 'drydockFindingId/v1': 'require-concurrent-index-creation:20240301091000:1' });
    expect(run.results[0].message.text).toContain('Safe alternative:\nCREATE INDEX CONCURRENTLY');
  });
});

describe('events', () => {
  function contextFor(name: string, payload: Record<string, any>) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drydock-event-'));
    fs.writeFileSync(path.join(dir, 'event.json'), JSON.stringify(payload));
    try {
      return readEventContext({ GITHUB_EVENT_NAME: name, GITHUB_EVENT_PATH: path.join(dir, 'event.json'), GITHUB_RUN_ID: '9', GITHUB_REPOSITORY: 'Codertocat/Hello-World' });
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  }

  test('auto mode: the event decides', () => {
    const pr = contextFor('pull_request', examplePayload('pull_request', 'opened'));
    expect(pr).toMatchObject({ pullNumber: 2, owner: 'Codertocat', repo: 'Hello-World', fromFork: false, runUrl: 'https://github.com/Codertocat/Hello-World/actions/runs/9' });
    expect(pr.baseSha).toMatch(/^[0-9a-f]{40}$/);
    expect(resolveCommand('auto', pr)).toBe('check');
    const group = contextFor('merge_group', examplePayload('merge_group', 'checks_requested'));
    expect(resolveCommand('auto', group)).toBe('check');
    expect(group.headSha).toMatch(/^[0-9a-f]{40}$/);
    expect(group.pullNumber).toBe(104);
    const queued = examplePayload('merge_group', 'checks_requested');
    queued.merge_group.head_ref = 'refs/heads/gh-readonly-queue/main/pr-42-0123456789abcdef0123456789abcdef01234567';
    expect(contextFor('merge_group', queued).pullNumber).toBe(42);
    const pushes = (require('@octokit/webhooks-examples') as { name: string; examples: Record<string, any>[] }[]).find((e) => e.name === 'push')!.examples;
    const toMaster = contextFor('push', pushes.find((p) => p.ref === 'refs/heads/master')!);
    expect(toMaster.onDefaultBranch).toBe(true);
    expect(toMaster.baseSha).toBeNull();
    expect(resolveCommand('auto', toMaster)).toBe('deploy');
    expect(resolveCommand('auto', contextFor('push', pushes.find((p) => p.ref.startsWith('refs/tags/'))!))).toBe('check');
    expect(resolveCommand('auto', contextFor('workflow_dispatch', examplePayload('workflow_dispatch')))).toBe('deploy');
    expect(resolveCommand('auto', contextFor('issue_comment', examplePayload('issue_comment', 'created')))).toBe('bot');
    expect(resolveCommand('rollback', pr)).toBe('rollback');
    const run = contextFor('workflow_run', examplePayload('workflow_run', 'completed'));
    expect(resolveCommand('auto', run)).toBe('publish');
    expect(run.headSha).toMatch(/^[0-9a-f]{40}$/);
    expect(resolveCommand('auto', contextFor('schedule', {}))).toBe('skip');
  });

  test('a PR from another repository is a fork', () => {
    const payload = examplePayload('pull_request', 'opened');
    payload.pull_request.head.repo.full_name = 'mallory/Hello-World';
    expect(contextFor('pull_request', payload).fromFork).toBe(true);
  });
});
