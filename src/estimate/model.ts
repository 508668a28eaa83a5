/**
 * From a classification (and a calibration, when there is one) to the report's Estimate: the
 * number, its range and, always, the basis — formula and inputs — next to it (estimation.md §4).
 */
import type { Estimate, Statement } from '../report/types';
import type { StatsSnapshot, TableStats } from '../snapshot/types';
import type { Calibration } from './calibrate';
import { productionRows } from './calibrate';
import type { Classification } from './classify';
import { estimateRange, fitLinear, predict } from './fit';
import { formatBytes, formatCount, formatMs } from './format';
import type { HardwareFactor } from './types';

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
  const fit = fitLinear(calibration.points);
  const ms = predict(fit, target.units);
  const largest = Math.max(...calibration.points.map((p) => p.size));
  const range = estimateRange(ms, largest > 0 ? target.units / largest : 1, hw);
  const unitName = calibration.unit === 'bytes' ? 'byte' : 'row';
  const throughput =
    fit.slope > 0
      ? calibration.unit === 'bytes'
        ? `${formatBytes(1000 / fit.slope)}/s`
        : `${formatCount(1000 / fit.slope)} rows/s`
      : 'no growth with size';
  const sizes = calibration.rows.map(formatCount).join('/');
  const parts = [
    cls.reason,
    `T = ${formatMs(fit.fixedMs)} + ${(fit.slope * (calibration.unit === 'bytes' ? 1e6 : 1e3)).toPrecision(3)} ms per ${calibration.unit === 'bytes' ? 'MB' : '1k rows'} (${throughput}), fitted on ${sizes} synthetic rows`,
    `production ${target.description}${target.note ? ` (${target.note})` : ''}`,
    `range: hardware φ ${hw.low}–${hw.high}${range.extrapolation > 1 ? `, upper end widened ×${(1 + Math.log10(range.extrapolation)).toFixed(1)} for ${Math.round(range.extrapolation)}× extrapolation` : ''}`,
  ];
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

function productionUnits(calibration: Calibration, main: TableStats, lookup: (t: string) => TableStats | null): { units: number; description: string; note: string | null } {
  const bytes = main.heapBytes + main.toastBytes;
  let rows = productionRows(main);
  let note: string | null = null;
  if (rows === null) {
    rows = calibration.bytesPerRow > 0 ? bytes / calibration.bytesPerRow : 0;
    note = 'never analyzed: rows inferred from heap size ÷ synthetic bytes per row';
  }
  if (calibration.unit === 'bytes') return { units: bytes, description: `${formatBytes(bytes)} heap+TOAST of ${main.name} (${formatCount(rows)} rows)`, note };
  let units = rows;
  const described = [`${formatCount(rows)} rows in ${main.name}`];
  for (const other of calibration.tables.slice(1)) {
    const r = productionRows(lookup(other)) ?? 0;
    units += r;
    described.push(`${formatCount(r)} in ${other}`);
  }
  return { units, description: described.join(' + '), note };
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
