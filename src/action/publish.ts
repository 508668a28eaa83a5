/**
 * What the Action leaves behind whatever the token may do: the report JSON and SARIF files, the
 * job summary, the step outputs, and workflow-command annotations when no check run could be made.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as core from '@actions/core';
import type { CheckAnnotation } from '../github/checks';
import { migrationDuration, sumDurations } from '../report/markdown/facts';
import { locateFindings, newMigrations, type LocatedFinding } from '../report/markdown/findings';
import type { Verdict } from '../report/markdown/review';
import { toSarif } from '../report/sarif';
import type { Report } from '../report/types';
import { redact } from '../util/secrets';

/** The runner keeps a job summary up to 1 MiB. */
export const SUMMARY_LIMIT = 1024 * 1024;
/** GitHub shows about ten workflow-command annotations of each type per step. */
const COMMAND_ANNOTATIONS_PER_LEVEL = 10;

export interface WrittenFiles {
  reportPath: string;
  sarifPath: string;
}

export function writeReportFiles(report: Report): WrittenFiles {
  const dir = fs.mkdtempSync(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'drydock-'));
  const reportPath = path.join(dir, 'drydock-report.json');
  const sarifPath = path.join(dir, 'drydock.sarif');
  fs.writeFileSync(reportPath, redact(JSON.stringify(report, null, 2)) + '\n');
  fs.writeFileSync(sarifPath, redact(JSON.stringify(toSarif(report), null, 2)) + '\n');
  return { reportPath, sarifPath };
}

export async function writeJobSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary.addRaw(redact(markdown), true).write();
}

export function setOutputs(report: Report, verdict: Verdict, files: WrittenFiles | null): void {
  const total = sumDurations(newMigrations(report).map(migrationDuration));
  core.setOutput('report', files?.reportPath ?? '');
  core.setOutput('sarif', files?.sarifPath ?? '');
  core.setOutput('risk', verdict);
  core.setOutput('estimated-seconds', total ? String(Math.round(total.ms / 1000)) : '');
  core.setOutput('new-migrations', String(report.summary.newMigrations));
}

/** Check-run annotations for the unsuppressed findings, most severe first. */
export function checkAnnotations(report: Report, acknowledged: Set<string>): CheckAnnotation[] {
  return openFindings(report, acknowledged).map((f) => ({
    path: f.path,
    start_line: f.line,
    end_line: Math.max(f.line, f.endLine),
    ...(f.column && f.line === f.endLine ? { start_column: f.column } : {}),
    annotation_level: f.finding.severity === 'error' ? 'failure' : f.finding.severity === 'warning' ? 'warning' : 'notice',
    title: `${f.finding.rule} (${f.id})`,
    message: redact(f.finding.message),
    ...(f.finding.suggestion ? { raw_details: redact(`Safe alternative:\n${f.finding.suggestion}`).slice(0, 60000) } : {}),
  }));
}

/** Fallback when no check run can be created (fork PRs): annotations through workflow commands. */
export function emitCommandAnnotations(report: Report, acknowledged: Set<string>): void {
  const shown = { error: 0, warning: 0, info: 0 };
  let hidden = 0;
  for (const f of openFindings(report, acknowledged)) {
    const severity = f.finding.severity;
    if (shown[severity] >= COMMAND_ANNOTATIONS_PER_LEVEL) {
      hidden++;
      continue;
    }
    shown[severity]++;
    const properties = { title: `drydock ${f.finding.rule} (${f.id})`, file: f.path, startLine: f.line, endLine: Math.max(f.line, f.endLine) };
    const message = redact(f.finding.message);
    if (severity === 'error') core.error(message, properties);
    else if (severity === 'warning') core.warning(message, properties);
    else core.notice(message, properties);
  }
  if (hidden) core.info(`${hidden} more findings are listed in the job summary.`);
}

function openFindings(report: Report, acknowledged: Set<string>): LocatedFinding[] {
  return locateFindings(report).filter((f) => !f.finding.suppressed && !acknowledged.has(f.id));
}

/** The YAML a user adds when a write was refused, printed with the warning. */
export const PERMISSIONS_HINT = [
  'permissions:',
  '  contents: read',
  '  pull-requests: write   # sticky comment',
  '  checks: write          # check run with annotations',
].join('\n');
