/**
 * From a classification (and a calibration, when there is one) to the report's Estimate: the
 * number, its range and, always, the basis — formula and inputs — next to it (estimation.md §4).
 */
import type { Estimate, Statement } from '../report/types';
import type { StatsSnapshot, TableStats } from '../snapshot/types';
import type { Calibration } from './calibrate';
import { productionRows } from './calibrate';
import type { Classification } from './classify';
import { estimateRange, fitLinear, LinearFit, predict } from './fit';

import type { HardwareFactor } from './types';
import { workFormula, workOf } from './work';
import { formatBytes, formatCount, formatMs } from '../util/format';

export const CI_ONLY_BASIS =
  'CI database only: no production statistics were given (--stats), so this is the dry run\'s own duration, not a production estimate';

export interface ModelledEstimate {
  estimate: Estimate;
  /** Production WAL bytes when calibrated. */
  walBytes: number | null;
  /** True when the class needs data volume but no calibration was possible. */
  unavailable: boolean;
}

/** Without a stats snapshot: the traced duration, labelled as such. */
export function ciOnlyEstimate(statement: Statement, cls: Classification): Estimate {
  const ms = statement.durationMs ?? 0;
  return { ms, lowMs: ms, highMs: ms, class: cls.class, basis: `${CI_ONLY_BASIS}; ${cls.reason}` };
}

/** The traced duration stands for production when the work does not grow with the data. */
export function constantEstimate(statement: Statement, cls: Classification, why: string, hw: HardwareFactor): ModelledEstimate {
  const ms = statement.durationMs ?? 0;
  return {
    estimate: { ms, lowMs: ms * hw.low, highMs: ms * hw.high, class: cls.class, basis: `${why}; CI duration ${formatMs(ms)} × hardware φ ${hw.low}–${hw.high}` },
    walBytes: null,
    unavailable: false,
  };
}

/** `production` describes what production has (see describeTable), `reason` why there is no calibration. */
export function unavailableEstimate(statement: Statement, cls: Classification, production: string, reason: string): ModelledEstimate {
  const ms = statement.durationMs ?? 0;
  return {
    estimate: {
      ms,
      lowMs: ms,
      highMs: ms,
      class: cls.class,
      basis: `not calibrated (${reason}): ${formatMs(ms)} is the CI database's duration only; production has ${production}, and the duration there is unknown`,
    },
    walBytes: null,
    unavailable: true,
  };
}

export function calibratedEstimate(
  cls: Classification,
  calibration: Calibration,
  stats: StatsSnapshot,
  lookup: (table: string) => TableStats | null,
  hw: HardwareFactor,
): ModelledEstimate {
  const main = lookup(calibration.tables[0])!;
  const target = productionUnits(calibration, main, lookup);
  const unit = calibration.unit;
  const rebuild = indexRebuildPart(calibration, target.rows);
  // With the index rebuilds timed apart, the per-byte line describes the heap copy alone.
  const heapPoints = calibration.points.map((p, i) => ({ size: workOf(unit, p.size), ms: Math.max(0, p.ms - (rebuild?.measured[i] ?? 0)) }));
  const fit = fitLinear(heapPoints);
  const ms = predict(fit, workOf(unit, target.units)) + (rebuild?.ms ?? 0);
  const largest = Math.max(...calibration.points.map((p) => p.size));
  const range = estimateRange(ms, largest > 0 ? target.units / largest : 1, hw);
  const unitName = unit === 'bytes' ? 'byte' : 'row';
  const sizes = calibration.rows.map(formatCount).join('/');
  const parts = [
    cls.reason,
    `T = ${rebuild ? 'heap copy: ' : ''}${workFormula(cls.class)} = ${formatMs(fit.fixedMs)} + ${slopeText(unit, fit.slope, target.units)}${rebuild ? `; plus index rebuilds (REINDEX timed apart): fixed + cost × n·log2 n = ${formatMs(rebuild.fit.fixedMs)} + ${slopeText('rows-log-rows', rebuild.fit.slope, target.rows)} → ${formatMs(rebuild.ms)}` : ''}, fitted on ${sizes} synthetic rows (median of up to 5 runs each)`,
    `production ${target.description}${target.note ? ` (${target.note})` : ''}`,
    `range: hardware φ ${hw.low}–${hw.high}${range.extrapolation > 1 ? `, upper end widened ×${(1 + Math.log10(range.extrapolation)).toFixed(1)} for ${Math.round(range.extrapolation)}× extrapolation` : ''}`,
  ];
  const contention = contentionNote(calibration);
  if (contention) parts.push(contention);
  if (range.flagged) parts.push(`⚠ extrapolated ${Math.round(range.extrapolation)}× beyond the largest calibrated size (> 100×): treat as an order of magnitude`);
  if (cls.class === 'concurrent-index-build') parts.push('plus waits for transactions running in production (not estimable)');
  const spill = sortSpill(cls, main, stats);
  if (spill) parts.push(spill);
  parts.push(...calibration.notes);
  parts.push(`stats snapshot ${stats.takenAt}; per ${unitName}`);
  return {
    estimate: { ms, lowMs: range.lowMs, highMs: range.highMs, class: cls.class, basis: parts.join('; ') },
    walBytes: calibration.walBytesPerUnit * target.units,
    unavailable: false,
  };
}

/** The rewrite's index rebuilds: fitted in n·log2 n of rows and predicted at the production row count. */
function indexRebuildPart(calibration: Calibration, productionRows: number): { fit: LinearFit; ms: number; measured: number[] } | null {
  const points = calibration.indexRebuild;
  if (!points || points.length !== calibration.points.length || points.length === 0) return null;
  const fit = fitLinear(points.map((p) => ({ size: workOf('rows-log-rows', p.size), ms: p.ms })));
  return { fit, ms: predict(fit, workOf('rows-log-rows', productionRows)), measured: points.map((p) => p.ms) };
}

/** The slope as a throughput reviewers can sanity-check (at production size for n·log n). */
function slopeText(unit: Calibration['unit'], slope: number, productionSize: number): string {
  if (!(slope > 0)) return '0 per unit (no growth with size)';
  if (unit === 'bytes') return `${(slope * 1e6).toPrecision(3)} ms per MB (${formatBytes(1000 / slope)}/s)`;
  if (unit === 'rows') return `${(slope * 1e3).toPrecision(3)} ms per 1k rows (${formatCount(1000 / slope)} rows/s)`;
  const perRow = slope * Math.log2(Math.max(2, productionSize));
  return `${(slope * 1e3).toPrecision(3)} ms per 1k·log2 n (${formatCount(1000 / perRow)} rows/s at production size)`;
}

/** Says how much CPU queueing was removed from the calibration timings (./runqueue.ts). */
function contentionNote(calibration: Calibration): string | null {
  const { wallMs, runQueueMs } = calibration.contention;
  if (runQueueMs === null) return 'timings are wall time (the server\'s backend is not visible to measure CPU queueing)';
  const share = wallMs > 0 ? runQueueMs / wallMs : 0;
  return share >= 0.05 ? `${Math.round(share * 100)}% of calibration wall time was spent waiting for a CPU held by other processes and is excluded` : null;
}

function productionUnits(
  calibration: Calibration,
  main: TableStats,
  lookup: (t: string) => TableStats | null,
): { units: number; rows: number; description: string; note: string | null } {
  const bytes = main.heapBytes + main.toastBytes;
  let rows = productionRows(main);
  let note: string | null = null;
  if (rows === null) {
    rows = calibration.bytesPerRow > 0 ? bytes / calibration.bytesPerRow : 0;
    note = 'never analyzed: rows inferred from heap size ÷ synthetic bytes per row';
  }
  if (calibration.unit === 'bytes') return { units: bytes, rows, description: `${formatBytes(bytes)} heap+TOAST of ${main.name} (${formatCount(rows)} rows)`, note };
  let units = rows;
  const described = [`${formatCount(rows)} rows in ${main.name}`];
  for (const other of calibration.tables.slice(1)) {
    const r = productionRows(lookup(other)) ?? 0;
    units += r;
    described.push(`${formatCount(r)} in ${other}`);
  }
  return { units, rows, description: described.join(' + '), note };
}

/** An index sort that fitted in maintenance_work_mem during calibration may spill at production size. */
function sortSpill(cls: Classification, main: TableStats, stats: StatsSnapshot): string | null {
  if (cls.class !== 'index-build' && cls.class !== 'concurrent-index-build' && cls.class !== 'table-rewrite') return null;
  const rows = productionRows(main) ?? 0;
  const perRow = 32; // key (typically ≤ 16 B) + ~16 B tuple overhead in the sort
  const mwm = stats.server.maintenanceWorkMemBytes;
  if (mwm > 0 && rows * perRow > mwm) {
    return `the sort (~${formatBytes(rows * perRow)}) exceeds maintenance_work_mem ${formatBytes(mwm)} in production and will spill to disk: expect the upper end`;
  }
  return null;
}

export function describeTable(table: TableStats): string {
  const rows = productionRows(table);
  return `${rows === null ? 'an unanalyzed table' : `${formatCount(rows)} rows`}, ${formatBytes(table.heapBytes)} heap + ${table.indexes.length} index(es) ${formatBytes(table.indexBytes)} in ${table.name}`;
}
