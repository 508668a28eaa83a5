/**
 * The PR comment, the check run text and the job summary: one markdown rendering of a report,
 * sized to fit. GitHub rejects a comment over 65,536 characters, so the body degrades in steps
 * (full → collapsed → summary → pointer) until the whole comment fits.
 */
import type { Migration, Report } from './types';
import { code, inline } from './markdown/escape';
import { migrationDetails } from './markdown/details';
import { locateFindings, newMigrations, type LocatedFinding } from './markdown/findings';
import { migrationGuide } from './markdown/guide';
import { headline, title } from './markdown/headline';
import { evaluateReview, serializeState, type ReviewState, type ReviewView } from './markdown/review';
import { integrityList, migrationTable } from './markdown/table';

export { factsLine } from './markdown/headline';
export * from './markdown/review';
export { locateFindings, type LocatedFinding } from './markdown/findings';

/** GitHub's limit for a comment body (and, one less, for check-run summary and text). */
export const COMMENT_LIMIT = 65536;
/** JS length counts UTF-16 units, which is at least GitHub's count; keep a margin all the same. */
const SAFETY_MARGIN = 512;

export type DetailLevel = 'full' | 'collapsed' | 'summary' | 'pointer';
export const DETAIL_LEVELS: readonly DetailLevel[] = ['full', 'collapsed', 'summary', 'pointer'];

export interface RenderOptions {
  /** Identifies the comment among several for the same PR (the migrations folder); null for the only one. */
  key: string | null;
  /** Where the full report is when the comment cannot hold it (job summary / workflow run). */
  detailsUrl?: string | null;
  /** Character budget for the whole text. */
  limit?: number;
}

export interface RenderedComment {
  body: string;
  level: DetailLevel;
}

/** The hidden marker that identifies drydock's comment for this key. */
export function commentMarker(key: string | null): string {
  return `<!-- drydock:report ${key ? encodeURIComponent(key) : 'default'} -->`;
}

/** The whole comment: the largest detail level that fits the limit. */
export function renderComment(report: Report, state: ReviewState, options: RenderOptions): RenderedComment {
  const view = evaluateReview(state);
  const limit = (options.limit ?? COMMENT_LIMIT) - SAFETY_MARGIN;
  const context = bodyContext(report, view);
  for (const level of DETAIL_LEVELS) {
    const body = assembleComment(view, options.key, renderBody(report, context, level, options));
    if (body.length <= limit || level === 'pointer') return { body, level };
  }
  throw new Error('unreachable: the pointer level is always returned');
}

/** The comment from its parts; a bot command re-assembles it with a new review and the old body. */
export function assembleComment(view: ReviewView, key: string | null, body: string): string {
  const nonce = view.state.nonce;
  return [
    commentMarker(key),
    headline(view, key),
    '',
    `<!-- drydock:body:${nonce} -->`,
    body,
    `<!-- /drydock:body:${nonce} -->`,
    '',
    acknowledgementsSection(view),
    footer(),
    serializeState(view.state),
  ]
    .filter((part) => part !== null)
    .join('\n');
}

/** The report body of a comment we wrote, found by the nonce of its state. */
export function extractBody(comment: string, state: ReviewState): string | null {
  const open = `<!-- drydock:body:${state.nonce} -->\n`;
  const close = `\n<!-- /drydock:body:${state.nonce} -->`;
  const start = comment.indexOf(open);
  const end = comment.lastIndexOf(close);
  if (start === -1 || end < start) return null;
  return comment.slice(start + open.length, end);
}

/** The comment once the PR no longer adds migrations in this folder. */
export function renderNoMigrations(key: string | null, where: string): string {
  return [
    commentMarker(key),
    `## ✅ ${title(key)}: no migrations`,
    '',
    `This pull request no longer adds migrations${where ? ` in ${code(where)}` : ''}. Nothing to review.`,
  ].join('\n');
}

interface BodyContext {
  findingsByMigration: Map<Migration, LocatedFinding[]>;
  acknowledged: Set<string>;
}

function bodyContext(report: Report, view: ReviewView): BodyContext {
  const findingsByMigration = new Map<Migration, LocatedFinding[]>();
  for (const f of locateFindings(report)) {
    const list = findingsByMigration.get(f.migration) ?? [];
    list.push(f);
    findingsByMigration.set(f.migration, list);
  }
  return { findingsByMigration, acknowledged: new Set(view.acknowledged.map((a) => a.finding.id)) };
}

function renderBody(report: Report, ctx: BodyContext, level: DetailLevel, options: RenderOptions): string {
  const migrations = newMigrations(report);
  const integrity = integrityList(report);
  if (level === 'pointer') {
    const findings = [...ctx.findingsByMigration.values()].flat().filter((f) => !f.finding.suppressed).length;
    const where = options.detailsUrl ? `the [job summary](${options.detailsUrl})` : 'the job summary';
    return [
      `This change is too large for a comment (${migrations.length} migrations, ${findings} findings): read the full report in ${where} and the \`drydock-report\` artifact.`,
    ].join('\n');
  }
  const sections: string[] = [];
  if (integrity) sections.push(integrity);
  sections.push(migrationTable(report, ctx.findingsByMigration, ctx.acknowledged, level === 'summary'));
  if (level === 'summary') {
    const open = [...ctx.findingsByMigration.values()].flat().filter((f) => !f.finding.suppressed && !ctx.acknowledged.has(f.id));
    if (open.length) {
      sections.push(
        ['**Findings**', ...open.map((f) => `- **${f.finding.severity}** ${code(f.id)} at ${inline(f.path)}:${f.line}: ${inline(f.finding.message)}`)].join('\n'),
      );
    }
    sections.push(migrationGuide(report, { brief: true }));
    if (options.detailsUrl) sections.push(`Statements and safe alternatives: see the [job summary](${options.detailsUrl}).`);
    return sections.filter(Boolean).join('\n\n');
  }
  const details = migrations
    .filter((m) => level === 'full' || (ctx.findingsByMigration.get(m) ?? []).some((f) => !f.finding.suppressed))
    .map((m) =>
      migrationDetails(m, ctx.findingsByMigration.get(m) ?? [], ctx.acknowledged, {
        sql: level === 'full' ? { maxLines: 60, maxChars: 6000 } : { maxLines: 12, maxChars: 1200 },
        suggestions: true,
      }),
    );
  if (details.length) sections.push(details.join('\n\n'));
  sections.push(migrationGuide(report, { brief: false }));
  return sections.filter(Boolean).join('\n\n');
}

function acknowledgementsSection(view: ReviewView): string | null {
  const { acknowledged, state } = view;
  if (acknowledged.length === 0 && state.voided.length === 0) return null;
  const lines = ['#### Acknowledgements'];
  if (acknowledged.length) {
    lines.push('', '| Finding | By | Reason | When |', '| --- | --- | --- | --- |');
    for (const { ack } of acknowledged) {
      lines.push(`| ${code(ack.id, { inTable: true })} | ${inline('@' + ack.actor)}${ack.via === 'label' ? ' (label)' : ''} | ${inline(ack.reason)} | ${ack.at.slice(0, 16).replace('T', ' ')} UTC |`);
    }
  }
  for (const v of state.voided) {
    lines.push('', `- ${code(v.id)}: acknowledgement by ${inline('@' + v.actor)} **voided** — the migration changed since.`);
  }
  return lines.join('\n') + '\n';
}

function footer(): string {
  return [
    '<sub>',
    'To silence a finding on purpose, put `-- drydock:ignore <rule> -- <reason>` above the statement. ',
    'To accept a blocking finding, someone with write access comments `/drydock ack <finding-id|all> <reason>` or adds the label `drydock:accepted`; ',
    'an acknowledgement holds until the migration changes. `/drydock rerun` re-evaluates.',
    '</sub>',
  ].join('');
}

/** Text for the check run's summary: the headline and the facts, no details. */
export function renderCheckSummary(state: ReviewState, key: string | null): string {
  return headline(evaluateReview(state), key);
}

