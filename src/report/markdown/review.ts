/**
 * The review gate: which findings block the merge, which a maintainer acknowledged, which
 * acknowledgements a later change to the SQL voided. The state travels in a hidden JSON block at the
 * end of the sticky comment, so a bot command can re-evaluate it without checking out PR code.
 */
import { randomBytes } from 'node:crypto';
import type { Report, Severity } from '../types';
import { locateFindings, meetsFailLevel, severityRank } from './findings';

export type Verdict = 'safe' | 'needs-review' | 'blocking';

/** A finding that meets the fail level, bound to the content of its migration. */
export interface GateFinding {
  id: string;
  /** sha256 of the migration (shortened); an acknowledgement holds only while it matches. */
  checksum: string;
  severity: Severity;
}

export interface Acknowledgement {
  id: string;
  checksum: string;
  actor: string;
  reason: string;
  /** ISO time the acknowledgement was given. */
  at: string;
  via: 'comment' | 'label';
}

export interface ReviewState {
  version: 1;
  /** Random per render: delimits the report body so SQL in it cannot forge the delimiters. */
  nonce: string;
  headSha: string | null;
  failOn: Severity | 'never';
  /** Unsuppressed findings meeting the fail level. */
  findings: GateFinding[];
  acks: Acknowledgement[];
  /** Acknowledgements whose migration changed since; kept so the comment can say so. */
  voided: Acknowledgement[];
  /** Counts the headline shows (belowFailLevel: unsuppressed warnings and errors that do not block) when the gate is re-rendered without the report. */
  counts: { newMigrations: number; belowFailLevel: number; integrity: number };
  /** The facts line of the headline (time, worst lock), already rendered. */
  factsLine: string;
  /** The check run of headSha, so a bot command can update its conclusion. */
  checkRunId?: number | null;
}

export interface ReviewView {
  verdict: Verdict;
  blocking: GateFinding[];
  acknowledged: { finding: GateFinding; ack: Acknowledgement }[];
  state: ReviewState;
}

/** Checksums are stored shortened: 64 bits detect an edit, and 300 migrations still fit a comment. */
export function shortChecksum(checksum: string): string {
  return checksum.slice(0, 16);
}

export function newNonce(): string {
  return randomBytes(6).toString('hex');
}

/**
 * The gate findings of a report: unsuppressed findings at or above the fail level, and every
 * applied migration that was edited or deleted (the engine fails those at any fail level but never).
 */
export function gateFindings(report: Report, failOn: Severity | 'never'): GateFinding[] {
  const findings: GateFinding[] = locateFindings(report)
    .filter((f) => !f.finding.suppressed && meetsFailLevel(f.finding.severity, failOn))
    .map((f) => ({ id: f.id, checksum: shortChecksum(f.migration.checksum), severity: f.finding.severity }));
  if (failOn === 'never') return findings;
  for (const issue of report.integrity) {
    const current = report.migrations.find((m) => m.path === issue.path);
    findings.push({
      id: `integrity:${issue.path.replace(/\s+/g, '_')}`,
      checksum: current ? shortChecksum(current.checksum) : issue.kind,
      severity: 'error',
    });
  }
  return findings;
}

/**
 * Keep the acknowledgements that still match a finding's checksum; move those whose migration
 * changed to `voided`. An acknowledgement of a finding that disappeared is dropped silently.
 */
export function reconcileAcks(
  findings: GateFinding[],
  acks: Acknowledgement[],
  previouslyVoided: Acknowledgement[] = [],
): { acks: Acknowledgement[]; voided: Acknowledgement[] } {
  const byId = new Map(findings.map((f) => [f.id, f]));
  const kept: Acknowledgement[] = [];
  const voided: Acknowledgement[] = [];
  for (const ack of acks) {
    const finding = byId.get(ack.id);
    if (!finding) continue;
    (finding.checksum === ack.checksum ? kept : voided).push(ack);
  }
  // A voided acknowledgement stays listed until someone acknowledges the finding again.
  for (const old of previouslyVoided) {
    if (byId.has(old.id) && !kept.some((a) => a.id === old.id) && !voided.some((v) => v.id === old.id && v.at === old.at)) {
      voided.push(old);
    }
  }
  return { acks: kept, voided };
}

export function evaluateReview(state: ReviewState): ReviewView {
  const blocking: GateFinding[] = [];
  const acknowledged: ReviewView['acknowledged'] = [];
  for (const finding of state.findings) {
    const ack = state.acks.find((a) => a.id === finding.id && a.checksum === finding.checksum);
    if (ack) acknowledged.push({ finding, ack });
    else blocking.push(finding);
  }
  let verdict: Verdict = 'safe';
  if (blocking.length > 0) verdict = 'blocking';
  else if (acknowledged.length > 0 || state.counts.belowFailLevel > 0 || state.counts.integrity > 0) verdict = 'needs-review';
  return { verdict, blocking, acknowledged, state };
}

/** Review state of a fresh report with no acknowledgements (the CLI and tests render this). */
export function initialState(report: Report, failOn: Severity | 'never', factsLine: string, headSha: string | null = null): ReviewState {
  const located = locateFindings(report).filter((f) => !f.finding.suppressed);
  return {
    version: 1,
    nonce: newNonce(),
    headSha,
    failOn,
    findings: gateFindings(report, failOn),
    acks: [],
    voided: [],
    counts: {
      newMigrations: report.migrations.filter((m) => m.isNew).length,
      belowFailLevel: located.filter(
        (f) => severityRank(f.finding.severity) >= severityRank('warning') && !meetsFailLevel(f.finding.severity, failOn),
      ).length,
      integrity: report.integrity.length,
    },
    factsLine,
  };
}

const STATE_OPEN = '<!-- drydock:state ';
const STATE_CLOSE = ' -->';

/** The hidden block. "<" and ">" are JSON-escaped so no reason text can end the HTML comment. */
export function serializeState(state: ReviewState): string {
  const json = JSON.stringify(state).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/--/g, '-\\u002d');
  return `${STATE_OPEN}${json}${STATE_CLOSE}`;
}

/** The state of a comment we wrote: always its last state block. Null when absent or unreadable. */
export function parseState(body: string): ReviewState | null {
  const start = body.lastIndexOf(STATE_OPEN);
  if (start === -1) return null;
  const end = body.indexOf(STATE_CLOSE, start + STATE_OPEN.length);
  if (end === -1) return null;
  try {
    const state = JSON.parse(body.slice(start + STATE_OPEN.length, end)) as ReviewState;
    if (state.version !== 1 || !Array.isArray(state.findings) || !Array.isArray(state.acks)) return null;
    state.voided ??= [];
    return state;
  } catch {
    return null;
  }
}
