/**
 * cost = fixed + slope · size, by least squares over the calibration points (estimation.md §5),
 * and the range around an extrapolated prediction (§6).
 */
import type { HardwareFactor } from './types';

export interface Point {
  /** Rows or bytes, whichever the class scales with. */
  size: number;
  ms: number;
}

export interface LinearFit {
  fixedMs: number;
  /** Milliseconds per unit of size. */
  slope: number;
  points: number;
}

/**
 * Ordinary least squares, kept physical: neither a negative fixed cost nor a negative slope means
 * anything, so a fit that produces one is redone with that term at zero.
 */
export function fitLinear(points: Point[]): LinearFit {
  if (points.length === 0) throw new Error('fitLinear needs at least one point');
  const n = points.length;
  const meanX = points.reduce((s, p) => s + p.size, 0) / n;
  const meanY = points.reduce((s, p) => s + p.ms, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.size - meanX) ** 2, 0);
  if (n === 1 || sxx === 0) {
    // One size only: all of it is per-unit cost (the conservative reading for extrapolation).
    const slope = meanX > 0 ? meanY / meanX : 0;
    return { fixedMs: meanX > 0 ? 0 : meanY, slope, points: n };
  }
  const sxy = points.reduce((s, p) => s + (p.size - meanX) * (p.ms - meanY), 0);
  let slope = sxy / sxx;
  let fixedMs = meanY - slope * meanX;
  if (slope < 0) {
    slope = 0;
    fixedMs = meanY;
  } else if (fixedMs < 0) {
    const sx2 = points.reduce((s, p) => s + p.size * p.size, 0);
    slope = points.reduce((s, p) => s + p.size * p.ms, 0) / sx2;
    fixedMs = 0;
  }
  return { fixedMs, slope, points: n };
}

export function predict(fit: LinearFit, size: number): number {
  return fit.fixedMs + fit.slope * size;
}

/** Beyond this many times the largest calibrated size the estimate is flagged. */
export const EXTRAPOLATION_FLAG = 100;

export interface Range {
  lowMs: number;
  highMs: number;
  /** Production size ÷ largest calibrated size (1 when no extrapolation). */
  extrapolation: number;
  flagged: boolean;
}

/**
 * The hardware factor φ scales both ends. Model error grows with the extrapolation: linear fits
 * under-predicted heavy operations at 4× (sorts spilling, checkpoints), so the upper end is widened
 * by 1 + log10(extrapolation): ×2 at 10×, ×3 at 100×.
 */
export function estimateRange(ms: number, extrapolation: number, hardware: HardwareFactor): Range {
  const factor = Math.max(1, extrapolation);
  const widen = 1 + Math.log10(factor);
  return {
    lowMs: ms * hardware.low,
    highMs: ms * hardware.high * widen,
    extrapolation: factor,
    flagged: factor > EXTRAPOLATION_FLAG,
  };
}

export const DEFAULT_HARDWARE_FACTOR: HardwareFactor = { low: 0.5, high: 3 };
