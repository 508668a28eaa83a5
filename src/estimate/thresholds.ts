/** Default limits (estimation.md §8/§10) and the severity of an estimate against them. */
import type { Severity } from '../report/types';
import type { Limit, Thresholds } from './types';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

export const DEFAULT_THRESHOLDS: Thresholds = {
  accessExclusiveHold: { warnMs: 1 * SECOND, errorMs: 10 * SECOND },
  writeBlockingHold: { warnMs: 1 * SECOND, errorMs: 60 * SECOND },
  migrationTotal: { warnMs: 3 * MINUTE, errorMs: 10 * MINUTE },
  concurrentIndex: { warnMs: 5 * MINUTE, errorMs: 20 * MINUTE },
};

export function resolveThresholds(overrides: Partial<Thresholds> = {}): Thresholds {
  return { ...DEFAULT_THRESHOLDS, ...overrides };
}

/** Above errorMs: error; above warnMs: warning; else info. */
export function severityFor(ms: number, limit: Limit): Severity {
  if (ms > limit.errorMs) return 'error';
  if (ms > limit.warnMs) return 'warning';
  return 'info';
}
