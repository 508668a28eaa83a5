/**
 * Runs the enabled rules over one analysed migration and records their findings. Rules that
 * declare triggers (parse-node kinds, effect codes) are only called on the statements that have
 * them: most statements can fire only a few of the rules, and calling every rule on every statement
 * was most of the analyser's time.
 */
import type { ResolvedConfig } from '../config/types';
import type { ParsedMigration } from '../engine/types';
import type { Severity } from '../report/types';
import { addFinding } from './findings';
import { RULES } from './rules/registry';
import type { MigrationView, Rule, RuleHit, StatementView } from './rules/types';

/** Rule positions (in RULES) by trigger, built once. */
interface TriggerIndex {
  byKind: Map<string, number[]>;
  byEffect: Map<string, number[]>;
}

function indexTriggers(rules: readonly Rule[]): TriggerIndex {
  const index: TriggerIndex = { byKind: new Map(), byEffect: new Map() };
  const add = (map: Map<string, number[]>, key: string, position: number) => {
    const positions = map.get(key);
    if (!positions) map.set(key, [position]);
    else if (!positions.includes(position)) positions.push(position);
  };
  rules.forEach((rule, position) => {
    for (const kind of rule.triggers?.kinds ?? []) add(index.byKind, kind, position);
    for (const code of rule.triggers?.effects ?? []) add(index.byEffect, code, position);
  });
  return index;
}

const TRIGGERS = indexTriggers(RULES);

/**
 * For each rule with triggers, the statements that have one of them, in statement order (the
 * order findings are recorded in, so it matches calling the rule on every statement).
 */
export function triggeredStatements(statements: readonly StatementView[]): StatementView[][] {
  const lists: StatementView[][] = RULES.map(() => []);
  for (let i = 0; i < statements.length; i++) {
    const s = statements[i];
    mark(lists, TRIGGERS.byKind.get(s.parsed.kind), s);
    const effects = s.prediction.effects;
    for (let j = 0; j < effects.length; j++) mark(lists, TRIGGERS.byEffect.get(effects[j].code), s);
  }
  return lists;
}

function mark(lists: StatementView[][], positions: number[] | undefined, s: StatementView): void {
  if (!positions) return;
  for (let i = 0; i < positions.length; i++) {
    const list = lists[positions[i]];
    // A statement can match a rule by kind and by several effects: list it once.
    if (list[list.length - 1] !== s) list.push(s);
  }
}

export function runRules(pm: ParsedMigration, view: MigrationView, config: ResolvedConfig): void {
  const triggered = triggeredStatements(view.statements);
  for (let position = 0; position < RULES.length; position++) {
    const rule = RULES[position];
    const setting = config.rules[rule.id] ?? { enabled: true, severity: rule.severity };
    if (!setting.enabled) continue;
    if (rule.check) {
      const candidates = rule.triggers ? triggered[position] : view.statements;
      for (let i = 0; i < candidates.length; i++) {
        const hits = rule.check(candidates[i], view);
        if (hits.length > 0) record(pm, rule.id, setting.severity, hits, candidates[i].index);
      }
    }
    if (rule.checkMigration) record(pm, rule.id, setting.severity, rule.checkMigration(view), null);
  }
}

function record(pm: ParsedMigration, rule: string, severity: Severity, hits: readonly RuleHit[], defaultIndex: number | null): void {
  for (const hit of hits) {
    const index = hit.statementIndex === undefined ? defaultIndex : hit.statementIndex;
    addFinding(pm, index, { rule, severity, message: hit.message, suggestion: hit.suggestion });
  }
}
