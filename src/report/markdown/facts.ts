/**
 * Numbers the comment states about each migration (worst lock and how long it is held, rewrites,
 * duration) derived from whatever the report holds: traced and estimated for a full dry run,
 * predicted locks only for a static check.
 */
import { reviewerLocks } from '../locks';
import { CI_ONLY_BASIS } from '../../estimate/model';
import { LOCK_MODES, type LockMode, type Migration, type Statement } from '../types';
import { formatMs } from '../../util/format';

export interface DurationRange {
  ms: number;
  lowMs: number;
  highMs: number;
  /** "estimate" at production size, or "traced" on the CI database (a lower bound). */
  basis: 'estimate' | 'traced';
}

export interface WorstLock {
  relation: string;
  mode: LockMode;
  source: 'predicted' | 'traced';
  /** Production estimate when known, else the traced hold on CI data, else null. */
  holdMs: number | null;
  holdBasis: 'estimate' | 'traced' | null;
  migration?: Migration;
}

export function lockRank(mode: LockMode): number {
  return LOCK_MODES.indexOf(mode);
}

/** What the mode blocks for other sessions, in the words a reviewer needs. */
export function lockImpact(mode: LockMode): string {
  if (mode === 'AccessExclusiveLock') return 'blocks reads and writes';
  if (lockRank(mode) >= lockRank('ShareLock')) return 'blocks writes';
  if (mode === 'ShareUpdateExclusiveLock') return 'blocks other DDL and VACUUM';
  return 'blocks only DDL';
}

export function statementDuration(s: Statement): DurationRange | null {
  // Without a statistics snapshot the estimator repeats the CI timing: say so, do not call it production.
  if (s.estimate && s.estimate.basis.startsWith(CI_ONLY_BASIS)) {
    return { ms: s.estimate.ms, lowMs: s.estimate.ms, highMs: s.estimate.ms, basis: 'traced' };
  }
  if (s.estimate) return { ms: s.estimate.ms, lowMs: s.estimate.lowMs, highMs: s.estimate.highMs, basis: 'estimate' };
  if (s.durationMs !== null && s.durationMs !== undefined) {
    return { ms: s.durationMs, lowMs: s.durationMs, highMs: s.durationMs, basis: 'traced' };
  }
  return null;
}

/** Sum of the statements' durations; null when no statement has one (static check). */
export function sumDurations(ranges: (DurationRange | null)[]): DurationRange | null {
  const known = ranges.filter((r): r is DurationRange => r !== null);
  if (known.length === 0) return null;
  return {
    ms: known.reduce((a, r) => a + r.ms, 0),
    lowMs: known.reduce((a, r) => a + r.lowMs, 0),
    highMs: known.reduce((a, r) => a + r.highMs, 0),
    basis: known.every((r) => r.basis === 'estimate') ? 'estimate' : 'traced',
  };
}

export function migrationDuration(m: Migration): DurationRange | null {
  return sumDurations(m.statements.map(statementDuration));
}

/**
 * Strongest lock of the migration. Among equal modes a table beats an index (an index built in the
 * same migration is locked too, but nobody else can see it yet), then the longest hold wins.
 */
export function worstLock(m: Migration): WorstLock | null {
  const kinds = new Map<string, string | undefined>();
  for (const s of m.statements) for (const l of s.locks) if (!kinds.has(l.relation) || l.relkind) kinds.set(l.relation, l.relkind);
  const created = new Set(m.statements.flatMap((s) => s.locks.filter((l) => l.created).map((l) => l.relation)));
  const candidates: WorstLock[] = (m.lockWindows ?? []).filter((w) => !created.has(w.relation)).map((w) => {
    const estimated = w.estimatedHoldMs ?? null;
    return {
      relation: w.relation,
      mode: w.mode,
      source: 'traced',
      holdMs: estimated ?? w.holdMs,
      holdBasis: estimated !== null ? 'estimate' : w.holdMs !== null ? 'traced' : null,
      migration: m,
    };
  });
  if (candidates.length === 0) {
    for (const s of m.statements) {
      for (const l of reviewerLocks(s.locks)) candidates.push({ relation: l.relation, mode: l.mode, source: l.source, holdMs: null, holdBasis: null, migration: m });
    }
  }
  return worstOf(candidates, kinds);
}

/** The worst of several locks: by mode, then tables before other relations, then hold time. */
export function worstOf(locks: (WorstLock | null)[], kinds: Map<string, string | undefined> = new Map()): WorstLock | null {
  const weight = (l: WorstLock) => lockRank(l.mode) * 2 + (isTable(kinds.get(l.relation)) ? 1 : 0);
  let best: WorstLock | null = null;
  for (const l of locks) {
    if (!l) continue;
    if (!best || weight(l) > weight(best) || (weight(l) === weight(best) && (l.holdMs ?? -1) > (best.holdMs ?? -1))) best = l;
  }
  return best;
}

function isTable(relkind: string | undefined): boolean {
  // Unknown kinds count as tables: the static catalog predicts locks on tables.
  return relkind === undefined || /table|^[rp]$/.test(relkind);
}

export function rewrittenRelations(m: Migration): string[] {
  return [...new Set(m.statements.flatMap((s) => s.rewrites.map((r) => r.relation)))];
}

/** "~4 min (2 min–9 min)" for estimates; "3.2 s on CI data" for traced durations. */
export function formatRange(r: DurationRange): string {
  if (r.basis === 'traced') return `${formatMs(r.ms)} on CI data`;
  if (r.lowMs === r.highMs) return `~${formatMs(r.ms)}`;
  return `~${formatMs(r.ms)} (${formatMs(r.lowMs)}–${formatMs(r.highMs)})`;
}
