/** Durations in options ("500ms", "5s", "2min", "1h" or milliseconds), back-off delays and sleeping. */
import { DrydockError } from '../util/errors';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, sec: 1000, min: 60_000, m: 60_000, h: 3_600_000 };

export function toMs(value: number | string | undefined, fallback: number, optionName: string): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return Math.round(value);
  } else {
    const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|min|m|h)?\s*$/i.exec(value);
    if (match) return Math.round(Number(match[1]) * UNIT_MS[(match[2] ?? 'ms').toLowerCase()]);
  }
  throw new DrydockError(`invalid duration for ${optionName}: ${JSON.stringify(value)}`, {
    fix: `use milliseconds or a number with a unit, e.g. "500ms", "5s", "2min"`,
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Exponential backoff with "equal jitter": half fixed, half random, so two waiters drift apart. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
