/**
 * Static analysis: walk the migrations in apply order, keep a model of the schema, predict each
 * new statement's locks and rewrites from the catalog, and run the rules with full context
 * (transactions, timeouts, tables created by this change). History migrations only feed context.
 */
import type { ResolvedConfig } from '../config/types';
import type { ParsedMigration } from '../engine/types';
import { predictLocks } from './catalog';
import { addFinding } from './findings';
import { computeLockWindows } from './lock-windows';
import { RULES } from './rules/registry';
import type { MigrationView, RuleHit, StatementView } from './rules/types';
import { SchemaState } from './schema';
import { applySuppressions } from './suppress';
import { TimeoutTracker } from './timeouts';
import { inTransactionBlock, modelTransactions, runnerTransaction } from './transactions';

export interface AnalyseOptions {
  pgVersion: number;
  config: ResolvedConfig;
  /**
   * Treat every new migration as its own change: tables created by an earlier migration count as
   * existing. Used to compare with linters that judge each file alone (bench/lint.js).
   */
  eachMigrationIsOwnChange?: boolean;
  /** Called with each analysed statement's context (diagnostics and the lint benchmark). */
  onStatement?: (migration: MigrationView['migration'], statement: StatementView) => void;
}

export { predictLocks } from './catalog';
export { RULES, RULE_IDS, findRule } from './rules/registry';

export function analyse(migrations: ParsedMigration[], options: AnalyseOptions): void {
  const schema = new SchemaState();
  for (const pm of migrations) {
    if (pm.migration.isNew) analyseMigration(pm, schema, options);
    else for (const s of pm.parsed.statements) schema.apply(s.ast, false);
    if (options.eachMigrationIsOwnChange) schema.settle();
  }
}

function analyseMigration(pm: ParsedMigration, schema: SchemaState, options: AnalyseOptions): void {
  const { migration, parsed } = pm;
  const transactions = modelTransactions(parsed.statements, runnerTransaction(migration.layout, migration.transactional));
  const runner = options.config.runnerTimeouts;
  const timeouts = new TimeoutTracker({ lockTimeout: runner.lockTimeout, statementTimeout: runner.statementTimeout });
  const views: StatementView[] = [];
  let spanId = -2;

  for (const s of parsed.statements) {
    const report = migration.statements[s.index];
    if (transactions.spanOf[s.index] !== spanId) {
      if (spanId !== -2) timeouts.endTransaction();
      spanId = transactions.spanOf[s.index];
    }
    const prediction = predictLocks(s.ast, { pgVersion: options.pgVersion, schema });
    const traced = report.locks.some((l) => l.source === 'traced') || report.rewrites.some((r) => r.source === 'traced');
    if (!traced) {
      report.locks = prediction.locks;
      report.rewrites = prediction.rewrites;
    }
    const fresh = new Set<string>();
    const populated = new Set<string>();
    const touched = [...prediction.effects.map((e) => e.relation), ...report.locks.map((l) => l.relation)];
    for (const rel of touched) {
      const table = schema.table(rel) ? rel : schema.indexTable(rel);
      if (schema.isFresh(table)) fresh.add(rel);
      if (schema.isPopulated(table)) populated.add(rel);
    }
    views.push({
      index: s.index,
      parsed: s,
      report,
      prediction,
      locks: traced ? report.locks.filter((l) => l.source === 'traced') : prediction.locks,
      rewrites: traced ? report.rewrites.filter((r) => r.source === 'traced') : prediction.rewrites,
      traced,
      fresh,
      populated,
      timeouts: timeouts.current(),
      span: transactions.spans[transactions.spanOf[s.index]],
      inTransactionBlock: inTransactionBlock(transactions, s.index),
    });
    timeouts.observe(s.ast);
    schema.apply(s.ast, true);
  }

  const view: MigrationView = { migration, statements: views, transactions, pgVersion: options.pgVersion, schema };
  if (!migration.lockWindows?.length) migration.lockWindows = computeLockWindows(view);
  if (options.onStatement) for (const s of views) options.onStatement(migration, s);
  runRules(pm, view, options.config);
  applySuppressions(pm, view, options.config);
}

function runRules(pm: ParsedMigration, view: MigrationView, config: ResolvedConfig): void {
  for (const rule of RULES) {
    const setting = config.rules[rule.id] ?? { enabled: true, severity: rule.severity };
    if (!setting.enabled) continue;
    const record = (hit: RuleHit, defaultIndex: number | null) => {
      const index = hit.statementIndex === undefined ? defaultIndex : hit.statementIndex;
      addFinding(pm, index, { rule: rule.id, severity: setting.severity, message: hit.message, suggestion: hit.suggestion });
    };
    if (rule.check) for (const s of view.statements) for (const hit of rule.check(s, view)) record(hit, s.index);
    if (rule.checkMigration) for (const hit of rule.checkMigration(view)) record(hit, null);
  }
}
