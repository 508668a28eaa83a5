/**
 * A tiny seeded PRNG (mulberry32) so every generated trial and input reproduces from its seed.
 * Set DRYDOCK_FAULT_SEED to replay a failing run; the suites print the seed they used.
 */
export interface Prng {
  readonly seed: number;
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
}

export function seedFromEnv(fallback: number): number {
  const raw = process.env.DRYDOCK_FAULT_SEED;
  return raw && /^\d+$/.test(raw) ? Number(raw) : fallback;
}

export function createPrng(seed: number): Prng {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    seed,
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)],
  };
}
