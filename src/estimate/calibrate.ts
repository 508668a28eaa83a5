/**
 * Times one statement on synthetic copies of its tables at several sizes (estimation.md §5) in the
 * calibration database, within a deadline. The schema there is a copy of the pre-migration schema
 * with the change's earlier statements applied; the data is synthetic and truncated afterwards.
 */
import { performance } from 'node:perf_hooks';
import type { Client } from 'pg';
import type { TableStats } from '../snapshot/types';
import type { Classification } from './classify';
import type { Point } from './fit';
import { measureStatement } from './measure';
import { dataRequirements } from './requirements';
import { fillSql, quoteQualified, readTableShape, ReferenceValues, TableShape } from './synth';
import type { OperationClass } from './types';

type Ast = Record<string, unknown>;

export type SizeUnit = 'rows' | 'bytes';

/** Scans and rewrites cost per heap byte; sorts, checks and row updates per row (estimation.md §4). */
export function sizeUnitFor(cls: OperationClass): SizeUnit {
  return cls === 'validation-scan' || cls === 'table-rewrite' ? 'bytes' : 'rows';
}

export interface CalibrationInput {
  sql: string;
  transactional: boolean;
  ast: Ast | undefined;
  classification: Classification;
  stats: (table: string) => TableStats | null;
  /** Target sizes of the main table in rows, ascending. */
  sizes: number[];
  /** performance.now() value after which no new size is started. */
  deadline: number;
}

export interface Calibration {
  unit: SizeUnit;
  points: Point[];
  /** Main-table rows at each point (for reporting the calibrated range). */
  rows: number[];
  /** Heap+TOAST bytes per row of the synthetic main table at the largest size. */
  bytesPerRow: number;
  walBytesPerUnit: number;
  /** Tables whose size counts, the main table first (an FK check adds the parent). */
  tables: string[];
  notes: string[];
}

export class CalibrationFailure extends Error {}

/** Timings on a shared CI runner are noisy: up to three runs per size, and the median. */
const RUNS_PER_SIZE = 3;

export async function calibrateStatement(client: Client, input: CalibrationInput): Promise<Calibration> {
  const unit = sizeUnitFor(input.classification.class);
  const plan = await planTables(client, input);
  const result: Calibration = { unit, points: [], rows: [], bytesPerRow: 0, walBytesPerUnit: 0, tables: plan.tables, notes: plan.notes };
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
      const runs: { ms: number; walBytes: number }[] = [];
      const laterSizes = input.sizes.slice(i + 1).reduce((sum, later) => sum + later / rows, 0);
      for (let run = 0; run < RUNS_PER_SIZE; run++) {
        if (run > 0) {
          // Repeat only while the repetition and the larger sizes still fit in the budget.
          const perRun = (performance.now() - started) / run;
          if (performance.now() + perRun * (1 + laterSizes) > input.deadline) break;
          if (refillEachRun) filled = await fill(client, plan, rows);
        }
        runs.push(await runOnce(client, input, plan.main.name));
      }
      runs.sort((a, b) => a.ms - b.ms);
      const median = runs[Math.floor(runs.length / 2)];
      const size = unit === 'bytes' ? filled.mainBytes : filled.countedRows;
      result.points.push({ size, ms: median.ms });
      result.rows.push(filled.mainRows);
      result.bytesPerRow = filled.mainRows > 0 ? filled.mainBytes / filled.mainRows : 0;
      result.walBytesPerUnit = size > 0 ? median.walBytes / size : 0;
      lastStep = { rows, ms: (performance.now() - started) / runs.length };
    }
  } finally {
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
    for (const table of plan.tables) await client.query(`VACUUM (ANALYZE) ${quoteQualified(table)}`);
    await client.query('CHECKPOINT').catch(() => undefined);
    const { rows: size } = await client.query<{ bytes: string }>(
      `SELECT pg_catalog.pg_relation_size(c.oid) + coalesce(pg_catalog.pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0) AS bytes
         FROM pg_catalog.pg_class c WHERE c.oid = $1::regclass`,
      [quoteQualified(plan.main.name)],
    );
    return { mainRows, mainBytes: Number(size[0].bytes), countedRows };
  } finally {
    if (replica) await client.query('RESET session_replication_role').catch(() => undefined);
  }
}

/** One timed run, rolled back (or its index dropped), bounded by the deadline. */
async function runOnce(client: Client, input: CalibrationInput, mainTable: string): Promise<{ ms: number; walBytes: number }> {
  const remaining = Math.max(1000, Math.round(input.deadline - performance.now()));
  await client.query(`SET statement_timeout = ${remaining}`);
  const indexesBefore = input.transactional ? null : await indexNames(client, mainTable);
  try {
    const m = await measureStatement(client, input.sql, { transactional: input.transactional });
    return { ms: m.ms, walBytes: m.walBytes };
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
    [quoteQualified(table)],
  );
  return new Set(rows.map((r) => r.name));
}

async function dropNewIndexes(client: Client, table: string, before: Set<string>): Promise<void> {
  for (const name of await indexNames(client, table)) {
    if (!before.has(name)) await client.query(`DROP INDEX ${quoteQualified(name)}`);
  }
}

async function truncate(client: Client, tables: string[]): Promise<void> {
  if (tables.length) await client.query(`TRUNCATE ${tables.map(quoteQualified).join(', ')} CASCADE`);
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
