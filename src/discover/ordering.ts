/** Version comparison rules the runners use, and the duplicate check every layout shares. */
import { DrydockError } from '../util/errors';

/** Compare two digit strings as unbounded non-negative integers ("9" < "10", "007" == "7"). */
export function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Flyway versions: parts split on "." or "_", compared numerically part by part; trailing zero
 * parts do not count, so 1.0 == 1 and 1_1 == 1.1, while 1.10 > 1.9 and 10 < 10.1.
 */
export function flywayVersionParts(version: string): string[] {
  const parts = version.split(/[._]/).map((p) => p.replace(/^0+(?=\d)/, ''));
  while (parts.length > 1 && parts[parts.length - 1] === '0') parts.pop();
  return parts;
}

export function compareFlywayVersions(a: string, b: string): number {
  const x = flywayVersionParts(a);
  const y = flywayVersionParts(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const c = compareDigits(x[i] ?? '0', y[i] ?? '0');
    if (c !== 0) return c;
  }
  return 0;
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Sort by `compare` on `key`; two entries with equal keys are a duplicate version, which every
 * runner rejects (or, worse, applies only one of).
 */
export function sortUnique<T extends { path: string }>(
  items: T[],
  key: (item: T) => string,
  compare: (a: string, b: string) => number,
): T[] {
  const sorted = [...items].sort((a, b) => compare(key(a), key(b)) || compareStrings(a.path, b.path));
  for (let i = 1; i < sorted.length; i++) {
    if (compare(key(sorted[i - 1]), key(sorted[i])) !== 0) continue;
    throw new DrydockError(`duplicate migration version ${key(sorted[i])}: ${sorted[i - 1].path} and ${sorted[i].path}`, {
      position: { path: sorted[i].path },
      fix: 'give one of the two files a new, unused version',
    });
  }
  return sorted;
}
