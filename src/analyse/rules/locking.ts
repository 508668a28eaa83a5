/** Which statements take traffic-blocking locks or do long work, shared by the timeout and lock-window rules. */
import type { LockEntry } from '../../report/types';
import { blocksTraffic } from '../catalog';
import type { StatementView } from './types';

/** Locks that queue application queries, on relations that existed before the change. */
export function trafficLocks(s: StatementView): LockEntry[] {
  return s.locks.filter((l) => blocksTraffic(l.mode) && !s.fresh.has(l.relation) && !s.prediction.created.includes(l.relation));
}

/** Statements whose duration grows with table size: rewrites, scans, index builds, backfills. */
export function slowWork(s: StatementView): string | null {
  // An empty new table is instant to work on; one filled from existing tables is not.
  const sized = (relation: string) => !s.fresh.has(relation) || s.populated.has(relation);
  const rewritten = s.rewrites.find((r) => sized(r.relation));
  if (rewritten) return `rewrites ${rewritten.relation}`;
  for (const e of s.prediction.effects) {
    if (!sized(e.relation)) continue;
    if (e.code === 'update' || e.code === 'delete' || e.code === 'merge') return `${e.code === 'update' ? 'updates' : e.code === 'delete' ? 'deletes from' : 'merges into'} ${e.relation}`;
    if (e.scan && (blocksTraffic(e.mode) || s.fresh.has(e.relation))) return `scans ${e.relation}`;
  }
  const readsExisting = s.prediction.effects.find((e) => e.code === 'insert') && s.prediction.effects.find((e) => e.code === 'read' && !s.fresh.has(e.relation));
  if (readsExisting) return `copies rows from ${readsExisting.relation}`;
  return null;
}
