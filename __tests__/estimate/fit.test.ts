import { estimateRange, fitLinear, predict } from '../../src/estimate/fit';
import { calibrationSizes } from '../../src/estimate';

test('least squares recovers fixed and per-unit cost', () => {
  const fit = fitLinear([
    { size: 10_000, ms: 5 + 10_000 * 0.002 },
    { size: 30_000, ms: 5 + 30_000 * 0.002 },
    { size: 100_000, ms: 5 + 100_000 * 0.002 },
  ]);
  expect(fit.fixedMs).toBeCloseTo(5, 6);
  expect(fit.slope).toBeCloseTo(0.002, 9);
  expect(predict(fit, 1_000_000)).toBeCloseTo(2005, 3);
});

test('noisy points give the least-squares line', () => {
  const fit = fitLinear([
    { size: 1, ms: 2 },
    { size: 2, ms: 3 },
    { size: 3, ms: 5 },
  ]);
  expect(fit.slope).toBeCloseTo(1.5, 9);
  expect(fit.fixedMs).toBeCloseTo(1 / 3, 9);
});

test('unphysical fits are refitted: no negative slope, no negative fixed cost', () => {
  const flat = fitLinear([
    { size: 10, ms: 4 },
    { size: 20, ms: 3 },
    { size: 30, ms: 3.5 },
  ]);
  expect(flat.slope).toBe(0);
  expect(flat.fixedMs).toBeCloseTo(3.5, 9);
  const steep = fitLinear([
    { size: 10, ms: 1 },
    { size: 20, ms: 10 },
    { size: 30, ms: 20 },
  ]);
  expect(steep.fixedMs).toBe(0);
  expect(steep.slope).toBeCloseTo((10 * 1 + 20 * 10 + 30 * 20) / (100 + 400 + 900), 9);
});

test('a single point is all per-unit cost', () => {
  const fit = fitLinear([{ size: 10, ms: 4 }]);
  expect(predict(fit, 10)).toBe(4);
  expect(predict(fit, 20)).toBe(8);
});

test('the range carries the hardware factor and widens with extrapolation; > 100× is flagged', () => {
  const hw = { low: 0.5, high: 3 };
  expect(estimateRange(1000, 1, hw)).toEqual({ lowMs: 500, highMs: 3000, extrapolation: 1, flagged: false });
  const ten = estimateRange(1000, 10, hw);
  expect(ten.highMs).toBeCloseTo(6000, 6);
  expect(ten.flagged).toBe(false);
  expect(estimateRange(1000, 100, hw).flagged).toBe(false);
  const far = estimateRange(1000, 5000, hw);
  expect(far.flagged).toBe(true);
  expect(far.lowMs).toBe(500);
});

test('calibration sizes stop at the production size', () => {
  expect(calibrationSizes([30_000, 10_000, 100_000], 5_000_000)).toEqual([10_000, 30_000, 100_000]);
  expect(calibrationSizes([10_000, 30_000, 100_000], 50_000)).toEqual([10_000, 30_000, 50_000]);
  expect(calibrationSizes([10_000, 30_000, 100_000], 10)).toEqual([10]);
  expect(calibrationSizes([10_000, 30_000, 100_000], null)).toEqual([10_000, 30_000, 100_000]);
});
