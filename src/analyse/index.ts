/**
 * Static analysis: walk the migrations in apply order, keep a model of the schema, predict each
 * new statement's locks and rewrites from the catalog, and run the rules with full context
 * (transactions, timeouts, tables created by this change). History migrations only feed context.
 */
import type { ResolvedConfig } from '../config/types';
import type { ParsedMigration } from '../engine/types';
import type { Finding } from '../report/types';
import type { LockEntry } from '../report/types';
import { predictLocks, Prediction } from './catalog';
import { computeLockWindows } from './lock-windows';
import { findSlowWork, findTrafficLocks } from './rules/locking';
import type { MigrationView, StatementView } from './rules/types';
import { runRules } from './run-rules';
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

/**
 * Findings the dry run, the estimator and the round trip raised before analysis: the config turns
 * them off or overrides their severity like any other rule's.
 */
function applyStageRuleSettings(migration: ParsedMigration['migration'], config: ResolvedConfig): void {
  const apply = (findings: Finding[]) => {
    for (let i = findings.length - 1; i >= 0; i--) {
      const setting = config.rules[findings[i].rule];
      // Only what the user configured: the estimator's severities come from its thresholds.
      if (!setting?.configured) continue;
      if (!setting.enabled) findings.splice(i, 1);
      else findings[i].severity = setting.severity;
    }
  };
  apply(migration.findings);
  for (const s of migration.statements) apply(s.findings);
}
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
  applyStageRuleSettings(migration, options.config);
  const transactions = modelTransactions(parsed.statements, runnerTransaction(migration.layout, migration.transactional));
  const runner = options.config.runnerTimeouts;
  const timeouts = new TimeoutTracker({ lockTimeout: runner.lockTimeout, statementTimeout: runner.statementTimeout });
  const views: StatementView[] = [];
  const context = { pgVersion: options.pgVersion, schema };
  let spanId = -2;

  for (const s of parsed.statements) {
    const report = migration.statements[s.index];
    if (transactions.spanOf[s.index] !== spanId) {
      if (spanId !== -2) timeouts.endTransaction();
      spanId = transactions.spanOf[s.index];
    }
    const prediction = predictLocks(s.ast, context);
    const traced = hasTraced(report.locks) || hasTraced(report.rewrites);
    if (!traced) {
      report.locks = prediction.locks;
      report.rewrites = prediction.rewrites;
    }
    const { fresh, populated } = changeState(schema, prediction, report.locks);
    const locks = traced ? report.locks.filter((l) => l.source === 'traced') : prediction.locks;
    const rewrites = traced ? report.rewrites.filter((r) => r.source === 'traced') : prediction.rewrites;
    views.push({
      index: s.index,
      parsed: s,
      report,
      prediction,
      locks,
      rewrites,
      traced,
      fresh,
      populated,
      trafficLocks: findTrafficLocks({ locks, fresh, prediction }),
      slowWork: findSlowWork({ rewrites, fresh, populated, prediction }),
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

/** The dry run traced the statement (its traced locks and rewrites are authoritative). */
function hasTraced(entries: readonly { source: string }[]): boolean {
  for (let i = 0; i < entries.length; i++) if (entries[i].source === 'traced') return true;
  return false;
}

/** No relation touched is fresh: one shared empty set instead of two new ones per statement. */
const NONE: ReadonlySet<string> = new Set();

/** Which touched relations (effects first, then locks) were created by the change, and which of those hold copied rows. */
function changeState(schema: SchemaState, prediction: Prediction, locks: readonly LockEntry[]): { fresh: ReadonlySet<string>; populated: ReadonlySet<string> } {
  let fresh: Set<string> | undefined;
  let populated: Set<string> | undefined;
  const touched = prediction.effects.length + locks.length;
  for (let i = 0; i < touched; i++) {
    const rel = i < prediction.effects.length ? prediction.effects[i].relation : locks[i - prediction.effects.length].relation;
    const table = schema.table(rel) ? rel : schema.indexTable(rel);
    if (schema.isFresh(table)) (fresh ??= new Set()).add(rel);
    if (schema.isPopulated(table)) (populated ??= new Set()).add(rel);
  }
  return { fresh: fresh ?? NONE, populated: populated ?? NONE };
}
