/**
 * What the cost of each operation class is proportional to (estimation.md §4), so that the
 * straight line T = fixed + slope · work is fitted in a space where it is physically straight:
 * - scans and rewrites read (and write) every heap page: work = heap+TOAST bytes, not rows, so a
 *   wider production row costs more per row;
 * - index builds sort their keys: comparisons grow as n · log2 n, which a line in n under-predicts
 *   by log(N_prod)/log(N_calibrated) (≈ 1.2 from 100 k to 1 M rows, 1.6 to 100 M);
 * - FK checks join child and parent at random positions: a hash anti-join probes a hash table that
 *   grows with the parent, each probe a cache miss once the table outgrows the CPU caches, and a
 *   merge anti-join (production's plan once the hash exceeds work_mem) sorts both sides. Either
 *   way the cost per row grows with log n: work = n · log2 n of child + parent rows;
 * - backfills walk the heap in physical order and insert index entries next to the previous one:
 *   sequential access, per-row work.
 */
import type { OperationClass } from './types';

export type SizeUnit = 'bytes' | 'rows' | 'rows-log-rows';

export function sizeUnitFor(cls: OperationClass): SizeUnit {
  if (cls === 'validation-scan' || cls === 'table-rewrite') return 'bytes';
  if (cls === 'index-build' || cls === 'concurrent-index-build' || cls === 'fk-validation') return 'rows-log-rows';
  return 'rows';
}

/** The quantity the cost is linear in, for `size` rows or bytes. */
export function workOf(unit: SizeUnit, size: number): number {
  if (unit !== 'rows-log-rows') return size;
  return size > 2 ? size * Math.log2(size) : size;
}

/** How the fitted formula is written in the basis. */
export function workFormula(cls: OperationClass): string {
  const unit = sizeUnitFor(cls);
  if (unit === 'bytes') return 'fixed + per-byte cost × heap+TOAST bytes';
  if (cls === 'fk-validation') return 'fixed + cost × n·log2 n (n = child + parent rows; random-access anti-join)';
  if (unit === 'rows-log-rows') return 'fixed + cost × n·log2 n (sort of n keys)';
  return 'fixed + per-row cost × rows';
}
