/** The collapsible part of a migration: its findings with safe alternatives, and its statements. */
import { reviewerLocks } from '../locks';
import type { Migration, Statement } from '../types';
import { code, codeBlock, htmlText, inline, truncateSql } from './escape';
import { formatRange, lockRank, statementDuration } from './facts';
import type { LocatedFinding } from './findings';

const SEVERITY_ICON = { error: '🛑', warning: '⚠️', info: 'ℹ️' } as const;

export interface DetailOptions {
  /** Per-statement SQL limits; null omits the SQL. */
  sql: { maxLines: number; maxChars: number } | null;
  suggestions: boolean;
}

export function migrationDetails(m: Migration, findings: LocatedFinding[], acknowledged: Set<string>, options: DetailOptions): string {
  const open = findings.filter((f) => !f.finding.suppressed && !acknowledged.has(f.id));
  const summary = `<b>${htmlText(m.path)}</b> — ${m.statements.length} statement${m.statements.length === 1 ? '' : 's'}, ${
    open.length ? `${open.length} finding${open.length === 1 ? '' : 's'}` : 'no open findings'
  }`;
  const parts: string[] = [`<details><summary>${summary}</summary>`, ''];
  parts.push(`${m.transactional ? 'Runs in one transaction' : 'Runs without a wrapping transaction'} (${inline(m.transactionSource)}).`);
  if (m.roundTrip) parts.push(`Down round trip: **${m.roundTrip.status}**${m.roundTrip.error ? ` — ${inline(m.roundTrip.error)}` : ''}.`);
  parts.push('');
  for (const f of findings) parts.push(findingItem(f, acknowledged.has(f.id), options.suggestions), '');
  if (options.sql) parts.push(statementsBlock(m.statements, options.sql), '');
  parts.push('</details>');
  return parts.join('\n');
}

export function findingItem(f: LocatedFinding, acknowledged: boolean, withSuggestion: boolean): string {
  const { finding } = f;
  const state = finding.suppressed
    ? ` — ignored${finding.suppressed.reason ? `: ${inline(finding.suppressed.reason)}` : ''}`
    : acknowledged
      ? ' — acknowledged'
      : '';
  const head = `- ${SEVERITY_ICON[finding.severity]} **${finding.severity}** ${code(finding.rule)} at ${inline(f.path)}:${f.line} (id ${code(f.id)})${state}: ${inline(finding.message)}`;
  if (!withSuggestion || !finding.suggestion) return head;
  return `${head}\n\n  Safe alternative:\n\n${indent(suggestionBlock(finding.suggestion), '  ')}`;
}

const SQL_START = /^\s*(--|(begin|commit|create|alter|drop|set|reset|update|insert|delete|select|reindex|vacuum|with|lock|analyze|comment|do|grant|revoke)\b)/i;

/** SQL suggestions go in a code block; prose steps stay text, one escaped line each. */
function suggestionBlock(suggestion: string): string {
  if (SQL_START.test(suggestion)) return codeBlock(suggestion);
  return suggestion
    .split(/\r?\n/)
    .map((l) => inline(l))
    .join('<br>\n');
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((l) => (l ? prefix + l : l))
    .join('\n');
}

/** The statements as one SQL block, each preceded by a comment line with what drydock saw. */
export function statementsBlock(statements: Statement[], limits: { maxLines: number; maxChars: number }): string {
  const chunks = statements.map((s) => {
    const facts = [`#${s.index + 1}`, `line ${s.line}`];
    const strongestFirst = reviewerLocks(s.locks).sort((a, b) => lockRank(b.mode) - lockRank(a.mode));
    if (strongestFirst.length) facts.push(strongestFirst.map((l) => `${l.mode} on ${l.relation}`).join(', '));
    if (s.rewrites.length) facts.push(`rewrites ${s.rewrites.map((r) => r.relation).join(', ')}`);
    const d = statementDuration(s);
    if (d) facts.push(formatRange(d));
    if (s.nonTransactional) facts.push('outside a transaction');
    if (s.error) facts.push(`FAILED: ${s.error.message}`);
    const { text } = truncateSql(s.sql, limits.maxLines, limits.maxChars);
    return `-- ${facts.join(' · ').replace(/\n/g, ' ')}\n${text};`;
  });
  return codeBlock(chunks.join('\n\n'));
}
