/**
 * Inline suppression: `-- drydock:ignore <rule>[, <rule>…] -- <reason>` on the statement's own
 * lines or on the line just above it. A reason is required so every silenced finding explains
 * itself in review.
 */
import type { ResolvedConfig } from '../config/types';
import type { ParsedMigration } from '../engine/types';
import type { ParsedStatement } from '../parse/parser';
import { addFinding } from './findings';
import { findRule } from './rules/registry';
import type { MigrationView } from './rules/types';

export interface IgnoreDirective {
  rules: string[];
  reason: string | null;
  line: number;
  /** Set when the directive is malformed (no rule named). */
  error?: string;
}

const DIRECTIVE = /drydock:ignore\b(.*)$/s;

/** Directives that apply to the statement. */
export function ignoreDirectives(statement: ParsedStatement): IgnoreDirective[] {
  const directives: IgnoreDirective[] = [];
  for (const comment of statement.comments) {
    if (!comment.text.includes('drydock:ignore')) continue;
    const applies = comment.line >= statement.line - 1 && comment.line <= statement.endLine;
    if (!applies) continue;
    const body = stripCommentMarkers(comment.text);
    const match = DIRECTIVE.exec(body);
    if (!match) continue;
    directives.push(parseDirective(match[1], comment.line));
  }
  return directives;
}

function stripCommentMarkers(text: string): string {
  return text.replace(/^--/, '').replace(/^\/\*/, '').replace(/\*\/$/, '').trim();
}

function parseDirective(rest: string, line: number): IgnoreDirective {
  const separator = rest.indexOf('--');
  const rulePart = separator === -1 ? rest : rest.slice(0, separator);
  const reason = separator === -1 ? '' : rest.slice(separator + 2).trim();
  const rules = rulePart
    .split(/[\s,]+/)
    .map((r) => r.trim())
    .filter(Boolean);
  return {
    rules,
    reason: reason || null,
    line,
    ...(rules.length === 0 ? { error: 'names no rule' } : {}),
  };
}

/**
 * Mark findings silenced by a valid directive; report directives that are malformed, name
 * unknown rules, lack a reason, or silence nothing.
 */
export function applySuppressions(pm: ParsedMigration, view: MigrationView, config: ResolvedConfig): void {
  for (const s of view.statements) {
    const report = pm.migration.statements[s.index];
    for (const directive of ignoreDirectives(s.parsed)) {
      const problems: string[] = [];
      if (directive.error) problems.push(directive.error);
      const unknown = directive.rules.filter((r) => !findRule(r));
      if (unknown.length) problems.push(`names unknown rule${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`);
      if (!directive.reason) problems.push('gives no reason');
      if (problems.length) {
        reportDirective(pm, s.index, 'ignore-directive', config, `drydock:ignore on line ${directive.line} ${problems.join(' and ')}; it silences nothing.`, '-- drydock:ignore <rule-id> -- <why this is safe here>');
        continue;
      }
      for (const ruleId of directive.rules) {
        const silenced = report.findings.filter((f) => f.rule === ruleId && !f.suppressed);
        for (const f of silenced) f.suppressed = { by: 'ignore', reason: directive.reason! };
        if (silenced.length === 0) {
          reportDirective(pm, s.index, 'unused-ignore', config, `drydock:ignore ${ruleId} on line ${directive.line} silences nothing: ${ruleId} does not fire on this statement.`, '-- remove the comment');
        }
      }
    }
  }
}

function reportDirective(pm: ParsedMigration, index: number, ruleId: string, config: ResolvedConfig, message: string, suggestion: string): void {
  const setting = config.rules[ruleId] ?? { enabled: true, severity: findRule(ruleId)!.severity };
  if (setting.enabled) addFinding(pm, index, { rule: ruleId, severity: setting.severity, message, suggestion });
}
