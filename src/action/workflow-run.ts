/**
 * The second half of the fork-PR pattern (docs/github.md): a `workflow_run` workflow, which has a
 * write token, publishes the report that the unprivileged `pull_request` workflow uploaded as an
 * artifact. It never checks out or runs PR code. The artifact is untrusted: its shape is checked,
 * everything in it is escaped when rendered, and the PR it names must be at the commit the
 * triggering run built (the event's head_sha, which the fork cannot forge).
 */
import * as fs from 'node:fs';
import * as core from '@actions/core';
import type { GitHubClient } from '../github/client';
import type { EventContext } from '../github/event';
import type { Report } from '../report/types';
import { DrydockError } from '../util/errors';
import type { ActionInputs } from './inputs';
import { publishReport } from './pr-check';

export async function runPublishFromArtifact(inputs: ActionInputs, event: EventContext, client: GitHubClient | null, workspace: string): Promise<number> {
  if (!inputs.reportFile) throw new DrydockError('input report-file is required to publish a report', { fix: 'download the artifact of the pull_request run and pass its drydock-report.json as report-file' });
  if (!inputs.prNumber) throw new DrydockError('input pr-number is required to publish a report', { fix: 'pass the PR number saved in the artifact as pr-number' });
  if (!client) throw new DrydockError('input github-token is required to publish a report');
  if (!event.headSha) throw new DrydockError('publishing needs the workflow_run event: its head_sha says which commit the report is for');
  const report = readUntrustedReport(inputs.reportFile);
  const { data: pull } = await client.rest.pulls.get({ owner: event.owner, repo: event.repo, pull_number: inputs.prNumber });
  if (pull.head.sha !== event.headSha) {
    // A new push since, or an artifact naming another PR: publishing would attach findings to the wrong code.
    core.warning(`drydock: PR #${inputs.prNumber} is at ${pull.head.sha.slice(0, 7)}, the report is for ${event.headSha.slice(0, 7)}: not published`);
    return 0;
  }
  const prEvent: EventContext = { ...event, pullNumber: inputs.prNumber, baseSha: pull.base.sha, labels: (pull.labels ?? []).map((l) => l.name ?? '') };
  return publishReport({ inputs, event: prEvent, client, workspace }, report, inputs.failOn ?? 'error');
}

/** Parse the artifact's report and check the fields the renderers read; reject anything else. */
export function readUntrustedReport(file: string): Report {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new DrydockError(`report-file: cannot read JSON (${(e as Error).message})`, { position: { path: file } });
  }
  const problem = reportShapeProblem(data);
  if (problem) throw new DrydockError(`report-file is not a drydock report: ${problem}`, { position: { path: file } });
  return data as Report;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const SEVERITIES = ['info', 'warning', 'error'];

function reportShapeProblem(data: unknown): string | null {
  if (!isObject(data) || data.version !== 1) return 'version must be 1';
  if (!isObject(data.summary) || typeof data.summary.newMigrations !== 'number') return 'summary.newMigrations missing';
  if (!Array.isArray(data.migrations) || !Array.isArray(data.integrity) || !Array.isArray(data.sources)) return 'migrations, integrity and sources must be arrays';
  for (const [i, m] of data.migrations.entries()) {
    const where = `migrations[${i}]`;
    if (!isObject(m) || typeof m.path !== 'string' || typeof m.id !== 'string' || typeof m.checksum !== 'string') return `${where}: id, path and checksum must be strings`;
    if (!Array.isArray(m.statements) || !Array.isArray(m.findings)) return `${where}: statements and findings must be arrays`;
    for (const f of m.findings) if (!findingOk(f)) return `${where}: malformed finding`;
    for (const [j, s] of m.statements.entries()) {
      if (!isObject(s) || typeof s.sql !== 'string' || typeof s.line !== 'number' || !Array.isArray(s.locks) || !Array.isArray(s.rewrites) || !Array.isArray(s.findings)) {
        return `${where}.statements[${j}]: sql, line, locks, rewrites and findings are required`;
      }
      for (const f of s.findings) if (!findingOk(f)) return `${where}.statements[${j}]: malformed finding`;
    }
  }
  return null;
}

function findingOk(f: unknown): boolean {
  return isObject(f) && typeof f.rule === 'string' && typeof f.message === 'string' && SEVERITIES.includes(f.severity as string);
}
