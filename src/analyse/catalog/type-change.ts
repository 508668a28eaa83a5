/**
 * Does `ALTER COLUMN … TYPE` rewrite the table? PostgreSQL skips the rewrite when the old type is
 * binary-coercible to the new one and no length/precision check can fail (postgres-locks.md #13, #14).
 */
import type { ColumnState } from '../schema';

export interface TypeTarget {
  type: string;
  typmods: number[];
  hasUsing: boolean;
}

export interface TypeChangeVerdict {
  rewrite: boolean;
  /** Indexes on the column are rebuilt even without a heap rewrite (e.g. text ↔ citext). */
  indexRebuild: boolean;
  reason: string;
}

const TEXTUAL = new Set(['text', 'varchar']);

export function typeChangeVerdict(from: ColumnState | undefined, to: TypeTarget): TypeChangeVerdict {
  if (!from) return { rewrite: true, indexRebuild: true, reason: 'the column’s current type is unknown to drydock; assume a rewrite' };
  if (to.hasUsing) return { rewrite: true, indexRebuild: true, reason: 'a USING expression recomputes every row' };
  const same = from.type === to.type;
  const [fromLen] = from.typmods;
  const [toLen] = to.typmods;
  if (same && sameMods(from.typmods, to.typmods)) return noRewrite('the type does not change');
  if (TEXTUAL.has(from.type) && TEXTUAL.has(to.type)) {
    if (toLen === undefined) return noRewrite(`${describe(from)} → ${describe(to)} is binary-coercible`);
    if (fromLen !== undefined && from.type === 'varchar' && toLen >= fromLen) return noRewrite(`widening ${describe(from)} → ${describe(to)}`);
    return rewrite(`${describe(from)} → ${describe(to)} adds or shrinks a length limit`);
  }
  if (same && from.type === 'numeric') {
    if (to.typmods.length === 0) return noRewrite('numeric loses its precision limit');
    const [fp, fs = 0] = from.typmods;
    const [tp, ts = 0] = to.typmods;
    if (fp !== undefined && tp >= fp && ts === fs) return noRewrite(`numeric(${fp},${fs}) → numeric(${tp},${ts}) widens`);
    return rewrite('numeric precision or scale changes');
  }
  if (same && ['varbit', 'bit varying', 'time', 'timestamp', 'timestamptz', 'interval'].includes(from.type)) {
    if (toLen === undefined || (fromLen !== undefined && toLen >= fromLen)) return noRewrite(`${from.type} precision widens`);
  }
  if ((from.type === 'cidr' && to.type === 'inet') || (from.type === 'citext' && TEXTUAL.has(to.type)) || (TEXTUAL.has(from.type) && to.type === 'citext' && toLen === undefined)) {
    return { rewrite: false, indexRebuild: true, reason: `${from.type} → ${to.type} is binary-coercible; indexes on the column are rebuilt` };
  }
  if (from.type === 'timestamp' && to.type === 'timestamptz') {
    return rewrite('timestamp → timestamptz rewrites unless the session TimeZone is UTC (PostgreSQL 12+)');
  }
  return rewrite(`${describe(from)} → ${describe(to)} is not binary-coercible`);
}

function sameMods(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function describe(t: { type: string; typmods: number[] }): string {
  return t.typmods.length ? `${t.type}(${t.typmods.join(',')})` : t.type;
}

function noRewrite(reason: string): TypeChangeVerdict {
  return { rewrite: false, indexRebuild: false, reason };
}

function rewrite(reason: string): TypeChangeVerdict {
  return { rewrite: true, indexRebuild: true, reason };
}
