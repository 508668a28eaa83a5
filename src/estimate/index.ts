/**
 * The estimator (estimation.md): after the dry run, classify each traced statement, calibrate the
 * ones whose cost grows with data on synthetic copies of their tables, extrapolate to the sizes in
 * the production stats snapshot, and turn lock windows into hold times and findings. Without a
 * snapshot it labels the CI durations as such and invents nothing.
 */
import { performance } from 'node:perf_hooks';
import type { Client } from 'pg';
import type { ParsedMigration } from '../engine/types';
import type { Finding, Statement } from '../report/types';
import type { StatsSnapshot, TableStats } from '../snapshot/types';
import { DrydockError } from '../util/errors';
import { connect } from '../util/pg';
import { redact } from '../util/secrets';
import { calibrateStatement, CalibrationFailure, productionRows } from './calibrate';
import { Classification, classifyStatement } from './classify';
import { DEFAULT_HARDWARE_FACTOR } from './fit';

import { assessLockWindows } from './impact';
import { calibratedEstimate, ciOnlyEstimate, constantEstimate, describeTable, ModelledEstimate, unavailableEstimate } from './model';
import { UnsupportedColumnError } from './synth';
import { backfillEstimate } from '../data/estimate';
import { resolveThresholds, severityFor } from './thresholds';
import type { EstimateOptions, EstimateSummary, HardwareFactor, MigrationEstimate, Thresholds } from './types';
import { formatBytes, formatMs } from '../util/format';

export * from './types';
export { loadStats } from '../snapshot/load';
export { classifyStatement } from './classify';
export { DEFAULT_THRESHOLDS } from './thresholds';
export { DEFAULT_HARDWARE_FACTOR } from './fit';
export { renderEstimateText } from './text';

export const DEFAULT_BUDGET_MS = 60_000;
export const DEFAULT_CALIBRATION_SIZES = [10_000, 30_000, 100_000];

export async function estimate(migrations: ParsedMigration[], options: EstimateOptions): Promise<EstimateSummary> {
  const hw = checkHardwareFactor(options.hardwareFactor ?? DEFAULT_HARDWARE_FACTOR);
  const thresholds = resolveThresholds(options.thresholds);
  const budgetMs = options.budgetMs ?? DEFAULT_BUDGET_MS;
  const log = options.log ?? (() => undefined);
  const targets = migrations.filter((m) => m.migration.isNew);
  const summary: EstimateSummary = {
    basis: options.stats ? 'production' : 'ci-only',
    statsTakenAt: options.stats?.takenAt ?? null,
    hardwareFactor: hw,
    budgetMs,
    calibrationMs: 0,
    calibratedStatements: 0,
    estimatedStatements: 0,
    migrations: [],
    notes: [],
  };
  const stats = options.stats;
  if (!stats) {
    summary.notes.push('No production statistics (--stats stats.json): durations are for the CI database only; no production estimate is made.');
    for (const pm of targets) {
      for (const statement of pm.migration.statements) {
        const cls = classifyStatement(statement, pm.parsed.statements[statement.index]?.ast);
        if (!cls || statement.durationMs === null) continue;
        // A batched backfill's trace is one batch: the estimate is the whole backfill (src/data/estimate.ts).
        statement.estimate = statement.batch ? backfillEstimate(statement.batch, statement.batch.totalRows, 'dry-run table size') : ciOnlyEstimate(statement, cls);
        summary.estimatedStatements++;
      }
      for (const window of pm.migration.lockWindows ?? []) window.estimatedHoldMs = null;
    }
    summary.migrations = targets.map((pm) => migrationTotal(pm));
    return summary;
  }

  const lookup = tableLookup(stats);
  const started = performance.now();
  const deadline = started + budgetMs;
  const session = await openCalibration(options, stats, summary.notes, log);
  try {
    const plan = targets.flatMap((pm) =>
      pm.migration.statements.map((statement) => ({ pm, statement, cls: classifyStatement(statement, pm.parsed.statements[statement.index]?.ast) })),
    );
    let pending = plan.filter((p) => p.cls && needsCalibration(p.cls, lookup)).length;
    for (const { pm, statement, cls } of plan) {
      const ast = pm.parsed.statements[statement.index]?.ast;
      if (cls && statement.durationMs !== null) {
        let model: ModelledEstimate;
        if (needsCalibration(cls, lookup)) {
          const statementDeadline = performance.now() + (deadline - performance.now()) / Math.max(1, pending);
          pending--;
          model = await calibratedOrUnavailable(session, statement, ast, cls, stats, lookup, hw, options, statementDeadline, log);
          if (!model.unavailable) summary.calibratedStatements++;
        } else if (cls.class !== 'metadata' && cls.table && !lookup(cls.table) && session?.baseTables.has(cls.table)) {
          // An existing table the snapshot does not cover (another schema?): its size is unknown.
          model = unavailableEstimate(statement, cls, `${cls.table} exists before this change but is not in the stats snapshot`, 'its production size is not in the snapshot');
        } else {
          model = constantEstimate(statement, cls, constantReason(cls, lookup, session), hw);
        }
        const rows = statement.batch && cls.table ? productionRows(lookup(cls.table) ?? null) : null;
        statement.estimate = statement.batch
          ? backfillEstimate(statement.batch, rows ?? statement.batch.totalRows, rows === null ? 'dry-run table size' : 'production rows')
          : model.estimate;
        summary.estimatedStatements++;
        addStatementFindings(pm, statement, model, stats, thresholds);
      }
      if (session && !statement.transactionControl && !statement.error) await session.advance(statement);
    }
  } finally {
    await session?.close();
  }
  summary.calibrationMs = Math.round(performance.now() - started);
  if (summary.calibrationMs > budgetMs) summary.notes.push(`calibration took ${formatMs(summary.calibrationMs)}, over its ${formatMs(budgetMs)} budget`);

  for (const pm of targets) {
    for (const { statementIndex, finding } of assessLockWindows({ migration: pm.migration, stats, thresholds })) {
      pm.migration.statements[statementIndex]?.findings.push(finding);
    }
    const total = migrationTotal(pm);
    summary.migrations.push(total);
    const severity = severityFor(total.ms, thresholds.migrationTotal);
    if (severity !== 'info') {
      pm.migration.findings.push({
        rule: 'long-migration',
        severity,
        message: `Estimated to take ~${formatMs(total.ms)} in production (est. ${formatMs(total.lowMs)}–${formatMs(total.highMs)}), over ${formatMs(thresholds.migrationTotal.warnMs)}.`,
        suggestion: 'Move long data work into a batched background job or a post-deploy migration; build indexes concurrently.',
        id: `long-migration@${pm.migration.id}`,
      });
    }
  }
  for (const note of stats.notes ?? []) summary.notes.push(`stats snapshot: ${note}`);
  return summary;
}

function checkHardwareFactor(hw: HardwareFactor): HardwareFactor {
  if (!(hw.low > 0) || !(hw.high >= hw.low)) {
    throw new DrydockError(`invalid hardware factor ${hw.low}–${hw.high}`, { fix: 'use 0 < low ≤ high, e.g. {"low": 0.5, "high": 3}' });
  }
  return hw;
}

function tableLookup(stats: StatsSnapshot): (table: string) => TableStats | null {
  const byName = new Map(stats.tables.map((t) => [t.name, t]));
  return (table) => byName.get(table) ?? null;
}

function needsCalibration(cls: Classification, lookup: (t: string) => TableStats | null): boolean {
  if (cls.class === 'metadata' || !cls.table) return false;
  const table = lookup(cls.table);
  return !!table && (productionRows(table) ?? 1) > 0;
}

function constantReason(cls: Classification, lookup: (t: string) => TableStats | null, session: CalibrationSession | null): string {
  if (cls.class === 'metadata') return `metadata-only (${cls.reason}): constant time, plus the wait for the lock`;
  const table = cls.table ? lookup(cls.table) : null;
  if (table) return `${cls.table} is empty in production (reltuples 0)`;
  if (cls.table && session && !session.baseTables.has(cls.table)) return `${cls.table} is created by this change: empty in production`;
  return `${cls.table ?? 'the table'} is not in the stats snapshot: assumed new and empty in production`;
}

async function calibratedOrUnavailable(
  session: CalibrationSession | null,
  statement: Statement,
  ast: Record<string, unknown> | undefined,
  cls: Classification,
  stats: StatsSnapshot,
  lookup: (t: string) => TableStats | null,
  hw: HardwareFactor,
  options: EstimateOptions,
  deadline: number,
  log: (line: string) => void,
): Promise<ModelledEstimate> {
  const table = lookup(cls.table!)!;
  const production = describeTable(table);
  if (!session) return unavailableEstimate(statement, cls, production, 'no base schema database to calibrate in');
  if (session.broken) return unavailableEstimate(statement, cls, production, session.broken);
  const prodRows = productionRows(table);
  const sizes = calibrationSizes(options.calibrationSizes ?? DEFAULT_CALIBRATION_SIZES, prodRows);
  try {
    const calibration = await calibrateStatement(session.client, {
      sql: statement.sql,
      transactional: !statement.nonTransactional,
      ast,
      classification: cls,
      stats: lookup,
      server: stats.server,
      sizes,
      deadline,
    });
    const model = calibratedEstimate(cls, calibration, stats, lookup, hw);
    const points = calibration.points.map((p, i) => `${calibration.rows[i]} rows: ${formatMs(p.ms)}`).join(', ');
    log(`estimate: statement ${statement.index + 1} (${cls.class} on ${cls.table}): ~${formatMs(model.estimate.ms)} from ${points}`);
    return model;
  } catch (error) {
    // A PR check degrades to "unknown" rather than failing: the synthetic copy can meet schema
    // shapes the generator does not cover (CHECKs on defaulted columns, expression keys…).
    const reason = error instanceof CalibrationFailure || error instanceof UnsupportedColumnError ? error.message : `calibration failed: ${(error as Error).message}`;
    log(`estimate: statement ${statement.index + 1}: ${redact(reason)}`);
    return unavailableEstimate(statement, cls, production, redact(reason));
  }
}

/** The configured sizes below the production row count, then the production count itself. */
export function calibrationSizes(sizes: number[], productionRows: number | null): number[] {
  const sorted = [...sizes].sort((a, b) => a - b);
  if (productionRows === null || productionRows >= sorted[sorted.length - 1]) return sorted;
  return [...sorted.filter((s) => s < productionRows), Math.max(1, Math.round(productionRows))];
}

function addStatementFindings(pm: ParsedMigration, statement: Statement, model: ModelledEstimate, stats: StatsSnapshot, thresholds: Thresholds): void {
  const id = (rule: string) => `${rule}:${pm.migration.id}:${statement.index}`;
  const push = (finding: Finding) => statement.findings.push(finding);
  if (model.unavailable) {
    push({
      rule: 'estimate-unavailable',
      severity: 'warning',
      message: `No production duration for this ${model.estimate.class}: ${model.estimate.basis}.`,
      suggestion: 'Give the check the base schema and enough calibration budget, or review this statement by hand.',
      id: id('estimate-unavailable'),
    });
  }
  if (model.estimate.class === 'concurrent-index-build') {
    const severity = severityFor(model.estimate.ms, thresholds.concurrentIndex);
    if (severity !== 'info') {
      push({
        rule: 'long-migration',
        severity,
        message: `Concurrent index build estimated at ~${formatMs(model.estimate.ms)} (est. ${formatMs(model.estimate.lowMs)}–${formatMs(model.estimate.highMs)}), plus waits for running transactions.`,
        suggestion: 'Run the build as an asynchronous/post-deploy index job.',
        id: id('long-migration'),
      });
    }
  }
  if (model.walBytes !== null && stats.server.maxWalSizeBytes > 0 && model.walBytes > stats.server.maxWalSizeBytes) {
    push({
      rule: 'wal-volume',
      severity: 'warning',
      message: `Generates ~${formatBytes(model.walBytes)} of WAL, more than max_wal_size ${formatBytes(stats.server.maxWalSizeBytes)}: forced checkpoints and replica lag.`,
      suggestion: 'Batch the work so each transaction writes less WAL.',
      id: id('wal-volume'),
    });
  }
}

function migrationTotal(pm: ParsedMigration): MigrationEstimate {
  const total: MigrationEstimate = { id: pm.migration.id, path: pm.migration.path, ms: 0, lowMs: 0, highMs: 0 };
  for (const s of pm.migration.statements) {
    if (!s.estimate) continue;
    total.ms += s.estimate.ms;
    total.lowMs += s.estimate.lowMs;
    total.highMs += s.estimate.highMs;
  }
  return total;
}

interface CalibrationSession {
  client: Client;
  /** Tables of the pre-migration schema (exist in production). */
  baseTables: Set<string>;
  /** Why calibration stopped working (a statement of the change failed to apply), or null. */
  broken: string | null;
  advance(statement: Statement): Promise<void>;
  close(): Promise<void>;
}

/** A copy of the base schema (CREATE DATABASE … TEMPLATE), never the traced database itself. */
async function openCalibration(options: EstimateOptions, stats: StatsSnapshot, notes: string[], log: (line: string) => void): Promise<CalibrationSession | null> {
  if (!options.baseSchemaDatabase) {
    notes.push('no base schema database: statements whose cost grows with data were not calibrated');
    return null;
  }
  let database: { name: string; url: string };
  try {
    database = await options.server.createDatabase({ template: options.baseSchemaDatabase });
  } catch (error) {
    notes.push(`could not copy the base schema for calibration: ${redact((error as Error).message)}`);
    return null;
  }
  const client = await connect(database.url);
  // Production's settings change the slope of index builds and sorts (estimation.md §5 step 3).
  await client.query(`SET maintenance_work_mem = '${Math.max(1024, Math.round(stats.server.maintenanceWorkMemBytes / 1024))}kB'`);
  await client.query(`SET max_parallel_maintenance_workers = ${Math.max(0, Math.round(stats.server.maxParallelMaintenanceWorkers))}`);
  const { rows } = await client.query<{ name: string }>(
    `SELECT n.nspname || '.' || c.relname AS name FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'`,
  );
  log(`estimate: calibrating in a copy of ${options.baseSchemaDatabase}`);
  const session: CalibrationSession = {
    client,
    baseTables: new Set(rows.map((r) => r.name)),
    broken: null,
    async advance(statement) {
      if (session.broken) return;
      try {
        await client.query(statement.sql);
      } catch (error) {
        session.broken = `statement ${statement.index + 1} failed in the calibration copy: ${redact((error as Error).message)}`;
        notes.push(session.broken);
      }
    },
    async close() {
      await client.end().catch(() => undefined);
      await options.server.dropDatabase(database.name).catch(() => undefined);
    },
  };
  return session;
}
