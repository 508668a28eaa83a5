/**
 * Times one statement on synthetic copies of its tables at several sizes (estimation.md §5) in the
 * calibration database, within a deadline. The schema there is a copy of the pre-migration schema
 * with the change's earlier statements applied; the data is synthetic and truncated afterwards.
 */
import { performance } from 'node:perf_hooks';
import type { Client } from 'pg';
import type { ServerStats, TableStats } from '../snapshot/types';
import type { Classification } from './classify';
import type { Point } from './fit';
import { measureStatement } from './measure';
import { dataRequirements } from './requirements';
import { fillSql, readTableShape, ReferenceValues, TableShape } from './synth';
import { redact } from '../util/secrets';
import { parseWorkMemKb, scaledWorkMemKb } from './memory';
import { productionIndexWorkers } from './parallel';
import { backendClock, RunQueueClock } from './runqueue';
import { SizeUnit, sizeUnitFor } from './work';
import { quoteRelation } from '../parse/quote';

type Ast = Record<string, unknown>;

export interface CalibrationInput {
  sql: string;
  transactional: boolean;
  ast: Ast | undefined;
  classification: Classification;
  stats: (table: string) => TableStats | null;
  /** Production settings (worker counts); null in tests that calibrate without a snapshot. */
  server: ServerStats | null;
  /** Target sizes of the main table in rows, ascending. */
  sizes: number[];
  /** performance.now() value after which no new size is started. */
  deadline: number;
}

export interface Calibration {
  unit: SizeUnit;
  /** Raw size (rows or bytes, see unit) and median contention-free time; fit on workOf(unit, size). */
  points: Point[];
  /** Main-table rows at each point (for reporting the calibrated range). */
  rows: number[];
  /** Heap+TOAST bytes per row of the synthetic main table at the largest size. */
  bytesPerRow: number;
  walBytesPerUnit: number;
  /** Tables whose size counts, the main table first (an FK check adds the parent). */
  tables: string[];
  notes: string[];
  /**
   * Rewrites only: the same table's REINDEX timed at each point (rows, median ms). A rewrite
   * rebuilds every index, and that part is a sort: it is fitted apart from the per-byte heap copy.
   */
  indexRebuild: Point[] | null;
  /** Wall time of all timed runs and the part spent waiting for a CPU (null: not observable). */
  contention: { wallMs: number; runQueueMs: number | null };
}

export class CalibrationFailure extends Error {}

/**
 * Timings on a shared CI runner are noisy even after the run-queue correction (cache and memory
 * bandwidth are shared too): up to five runs per size and their median, which ignores up to two
 * outliers in either direction.
 */
const RUNS_PER_SIZE = 5;

export async function calibrateStatement(client: Client, input: CalibrationInput): Promise<Calibration> {
  const unit = sizeUnitFor(input.classification.class);
  const plan = await planTables(client, input);
  const clock = await backendClock(client);
  const result: Calibration = {
    unit,
    points: [],
    rows: [],
    bytesPerRow: 0,
    walBytesPerUnit: 0,
    tables: plan.tables,
    notes: plan.notes,
    indexRebuild: null,
    contention: { wallMs: 0, runQueueMs: clock ? 0 : null },
  };
  const timeRebuilds = input.classification.class === 'table-rewrite' && (await hasIndexes(client, plan.main.name));
  if (timeRebuilds) result.indexRebuild = [];
  const restoreWorkers = await forceProductionWorkers(client, input, plan, result.notes);
  const productionWorkMem = input.classification.class === 'fk-validation' ? await productionWorkMemKb(client, input, result.notes) : null;
  let lastStep: { rows: number; ms: number } | null = null;
  // A backfill changes every row even when rolled back: each repetition needs fresh rows.
  const refillEachRun = input.classification.class === 'dml-backfill';
  try {
    for (const [i, rows] of input.sizes.entries()) {
      const now = performance.now();
      // Each step costs roughly in proportion to its size: skip the ones that would overrun.
      if (lastStep && now + (lastStep.ms * rows) / lastStep.rows > input.deadline) {
        result.notes.push(`calibration stopped before ${rows} rows (time budget)`);
        break;
      }
      if (now >= input.deadline) break;
      const started = performance.now();
      let filled = await fill(client, plan, rows);
      const workMem = productionWorkMem === null ? null : scaledWorkMemKb(productionWorkMem, filled.mainRows, productionRows(plan.mainStats));
      if (workMem !== null) await client.query(`SET work_mem = '${workMem}kB'`);
      const runs: { ms: number; walBytes: number }[] = [];
      const rebuilds: number[] = [];
      const laterSizes = input.sizes.slice(i + 1).reduce((sum, later) => sum + later / rows, 0);
      for (let run = 0; run < RUNS_PER_SIZE; run++) {
        if (run > 0) {
          // Repeat only while the repetition and the larger sizes still fit in the budget.
          const perRun = (performance.now() - started) / run;
          if (performance.now() + perRun * (1 + laterSizes) > input.deadline) break;
          if (refillEachRun) filled = await fill(client, plan, rows);
        }
        await warmCache(client, plan.tables);
        const timed = await runOnce(client, input, plan.main.name, clock);
        result.contention.wallMs += timed.wallMs;
        if (result.contention.runQueueMs !== null) result.contention.runQueueMs = timed.runQueueMs === null ? null : result.contention.runQueueMs + timed.runQueueMs;
        runs.push(timed);
        if (timeRebuilds) rebuilds.push((await runOnce(client, { ...input, sql: `REINDEX TABLE ${quoteRelation(plan.main.name)}`, transactional: true }, plan.main.name, clock)).ms);
      }
      runs.sort((a, b) => a.ms - b.ms);
      const median = runs[Math.floor(runs.length / 2)];
      const size = unit === 'bytes' ? filled.mainBytes : filled.countedRows;
      result.points.push({ size, ms: median.ms });
      if (result.indexRebuild) result.indexRebuild.push({ size: filled.mainRows, ms: medianOf(rebuilds) });
      result.rows.push(filled.mainRows);
      result.bytesPerRow = filled.mainRows > 0 ? filled.mainBytes / filled.mainRows : 0;
      result.walBytesPerUnit = size > 0 ? median.walBytes / size : 0;
      lastStep = { rows, ms: (performance.now() - started) / runs.length };
    }
  } finally {
    if (productionWorkMem !== null) await client.query('RESET work_mem').catch(() => undefined);
    await restoreWorkers();
    await truncate(client, plan.tables);
  }
  if (result.points.length === 0) throw new CalibrationFailure('no calibration size fitted in the time budget');
  return result;
}

interface TablePlan {
  main: TableShape;
  mainStats: TableStats | null;
  /** Parents filled for an FK check: rows per main-table row. */
  parents: { shape: TableShape; stats: TableStats | null; ratio: number; column: string; parentColumn: string }[];
  notNull: Set<string>;
  unique: Set<string>;
  tables: string[];
  notes: string[];
}

async function planTables(client: Client, input: CalibrationInput): Promise<TablePlan> {
  const cls = input.classification;
  const req = dataRequirements(input.ast);
  // An FK check's cost follows the child; the ALTER TABLE target is the child.
  const child = cls.class === 'fk-validation' ? ((await alterTarget(client, input.ast)) ?? cls.table) : cls.table;
  if (!child) throw new CalibrationFailure('no table to calibrate on');
  const main = await readTableShape(client, child);
  const mainStats = input.stats(child);
  const notes: string[] = [];
  const parents: TablePlan['parents'] = [];
  if (cls.class === 'fk-validation') {
    const candidates = new Set([cls.table, ...cls.related].filter((t): t is string => !!t && t !== child));
    const links = [...main.foreignKeys];
    for (const fk of req.foreignKeys) {
      const parent = await resolveTable(client, fk.parentSchema ? `${fk.parentSchema}.${fk.parentTable}` : fk.parentTable);
      if (!parent) continue;
      const parentShape = await readTableShape(client, parent);
      links.push({ column: fk.column, parent, parentColumn: fk.parentColumn ?? parentShape.primaryKey[0] });
    }
    for (const link of links.filter((l) => candidates.has(l.parent) && l.parentColumn)) {
      if (parents.some((p) => p.shape.name === link.parent)) continue;
      const parentStats = input.stats(link.parent);
      const childRows = productionRows(mainStats);
      const parentRows = productionRows(parentStats);
      let ratio = childRows && parentRows !== null ? parentRows / childRows : 0.1;
      if (!(childRows && parentRows !== null)) notes.push(`${link.parent}: no production row count, parent sized at 10% of the child`);
      ratio = Math.min(Math.max(ratio, 0), 4);
      parents.push({ shape: await readTableShape(client, link.parent), stats: parentStats, ratio, column: link.column, parentColumn: link.parentColumn });
    }
  }
  return {
    main,
    mainStats,
    parents,
    notNull: new Set(req.notNull),
    unique: new Set([...req.unique, ...parents.filter((p) => p.shape.name === main.name).map((p) => p.parentColumn)]),
    tables: [main.name, ...parents.map((p) => p.shape.name).filter((n) => n !== main.name)],
    notes,
  };
}

export function productionRows(stats: TableStats | null): number | null {
  if (!stats || stats.reltuples < 0) return null;
  return stats.reltuples;
}

interface Filled {
  mainRows: number;
  mainBytes: number;
  /** Rows of every table whose size counts (main + FK parents). */
  countedRows: number;
}

async function fill(client: Client, plan: TablePlan, rows: number): Promise<Filled> {
  await truncate(client, plan.tables);
  // Existing foreign keys to tables we do not fill must not reject the synthetic rows: replica
  // mode skips the RI triggers (superuser only; on a shadow server without it, FKs stay enforced).
  const replica = await client.query('SET session_replication_role = replica').then(
    () => true,
    () => false,
  );
  let countedRows = 0;
  const references = new Map<string, ReferenceValues>();
  try {
    for (const parent of plan.parents) {
      const parentRows = Math.max(1, Math.round(rows * parent.ratio));
      if (parent.shape.name !== plan.main.name) {
        const inserted = await client.query(
          fillSql({ shape: parent.shape, stats: parent.stats, rows: parentRows, notNull: new Set([parent.parentColumn]), unique: new Set([parent.parentColumn]), references: new Map() }),
        );
        countedRows += inserted.rowCount ?? 0;
      }
      references.set(parent.column, {
        parent: parent.shape,
        parentColumn: parent.parentColumn,
        parentStats: parent.stats,
        parentRows: parent.shape.name === plan.main.name ? rows : parentRows,
      });
    }
    const inserted = await client.query(
      fillSql({ shape: plan.main, stats: plan.mainStats, rows, notNull: plan.notNull, unique: plan.unique, references }),
    );
    countedRows += inserted.rowCount ?? 0;
    const mainRows = inserted.rowCount ?? 0;
    if (replica) await client.query('RESET session_replication_role');
    for (const table of plan.tables) await client.query(`VACUUM (ANALYZE) ${quoteRelation(table)}`);
    await client.query('CHECKPOINT').catch(() => undefined);
    const { rows: size } = await client.query<{ bytes: string }>(
      `SELECT pg_catalog.pg_relation_size(c.oid) + coalesce(pg_catalog.pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0) AS bytes
         FROM pg_catalog.pg_class c WHERE c.oid = $1::regclass`,
      [quoteRelation(plan.main.name)],
    );
    return { mainRows, mainBytes: Number(size[0].bytes), countedRows };
  } finally {
    if (replica) await client.query('RESET session_replication_role').catch(() => undefined);
  }
}

/**
 * Production reads a table its workload keeps in cache; the synthetic one was just written and
 * vacuumed. One full read before every timed run puts both in the same state (pages in shared
 * buffers, hint bits set), so no run pays a first-touch cost that the others do not.
 */
async function warmCache(client: Client, tables: string[]): Promise<void> {
  for (const table of tables) await client.query(`SELECT count(*) FROM ${quoteRelation(table)}`);
}

/** Index builds (and the index rebuilds of a rewrite) run with production's worker count (./parallel.ts). */
async function forceProductionWorkers(client: Client, input: CalibrationInput, plan: TablePlan, notes: string[]): Promise<() => Promise<void>> {
  const cls = input.classification.class;
  const none = async () => undefined;
  if (!input.server || !plan.mainStats || (cls !== 'index-build' && cls !== 'concurrent-index-build' && cls !== 'table-rewrite')) return none;
  const table = quoteRelation(plan.main.name);
  const { rows } = await client.query<{ set: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM unnest(coalesce(c.reloptions, '{}')) o WHERE o LIKE 'parallel_workers=%') AS set
       FROM pg_catalog.pg_class c WHERE c.oid = $1::regclass`,
    [table],
  );
  // The schema sets it already: that value holds in production too.
  if (rows[0]?.set) return none;
  const workers = productionIndexWorkers(plan.mainStats, input.server);
  try {
    await client.query(`ALTER TABLE ${table} SET (parallel_workers = ${workers})`);
  } catch (error) {
    // Partitioned tables take no storage parameters: their partitions choose for themselves.
    notes.push(`index-build workers left to the calibration table's size (${redact((error as Error).message)})`);
    return none;
  }
  notes.push(`index sorts calibrated with production's ${workers} parallel worker(s)`);
  return async () => {
    await client.query(`ALTER TABLE ${table} RESET (parallel_workers)`).catch(() => undefined);
  };
}

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function hasIndexes(client: Client, table: string): Promise<boolean> {
  return (await indexNames(client, table)).size > 0;
}

/** Production's work_mem from the snapshot; without it, this server's (said in the basis). */
async function productionWorkMemKb(client: Client, input: CalibrationInput, notes: string[]): Promise<number | null> {
  const fromSnapshot = parseWorkMemKb(input.server?.settings.work_mem);
  const value = fromSnapshot ?? parseWorkMemKb((await client.query<{ work_mem: string }>('SHOW work_mem')).rows[0]?.work_mem);
  if (value !== null) {
    notes.push(`join memory scaled with the data (work_mem ${value} kB${fromSnapshot === null ? ', this server’s: the snapshot has no work_mem' : ''} × calibrated/production rows) so the anti-join plans as in production`);
  }
  return value;
}

/** One timed run, rolled back (or its index dropped), bounded by the deadline. */
async function runOnce(
  client: Client,
  input: CalibrationInput,
  mainTable: string,
  clock: RunQueueClock | null,
): Promise<{ ms: number; wallMs: number; runQueueMs: number | null; walBytes: number }> {
  const remaining = Math.max(1000, Math.round(input.deadline - performance.now()));
  await client.query(`SET statement_timeout = ${remaining}`);
  const indexesBefore = input.transactional ? null : await indexNames(client, mainTable);
  try {
    const m = await measureStatement(client, input.sql, { transactional: input.transactional, clock });
    return { ms: m.ms, wallMs: m.wallMs, runQueueMs: m.runQueueMs, walBytes: m.walBytes };
  } catch (error) {
    throw new CalibrationFailure(`the statement failed on synthetic data: ${(error as Error).message}`);
  } finally {
    await client.query('RESET statement_timeout');
    // A non-transactional build cannot be rolled back: drop what it created.
    if (indexesBefore) await dropNewIndexes(client, mainTable, indexesBefore);
  }
}

async function indexNames(client: Client, table: string): Promise<Set<string>> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT n.nspname || '.' || c.relname AS name FROM pg_catalog.pg_index i
       JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE i.indrelid = $1::regclass`,
    [quoteRelation(table)],
  );
  return new Set(rows.map((r) => r.name));
}

async function dropNewIndexes(client: Client, table: string, before: Set<string>): Promise<void> {
  for (const name of await indexNames(client, table)) {
    if (!before.has(name)) await client.query(`DROP INDEX ${quoteRelation(name)}`);
  }
}

async function truncate(client: Client, tables: string[]): Promise<void> {
  if (tables.length) await client.query(`TRUNCATE ${tables.map(quoteRelation).join(', ')} CASCADE`);
}

async function resolveTable(client: Client, name: string): Promise<string | null> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT n.nspname || '.' || c.relname AS name FROM pg_catalog.pg_class c
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = pg_catalog.to_regclass($1)`,
    [name],
  );
  return rows[0]?.name ?? null;
}

async function alterTarget(client: Client, ast: Ast | undefined): Promise<string | null> {
  const relation = (ast?.AlterTableStmt as Ast | undefined)?.relation as Ast | undefined;
  if (!relation) return null;
  const name = typeof relation.schemaname === 'string' ? `${relation.schemaname}.${relation.relname}` : String(relation.relname);
  return resolveTable(client, name);
}
