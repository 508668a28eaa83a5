/**
 * Which statements take traffic-blocking locks or do long work, shared by the timeout and
 * lock-window rules. The analyser computes both once per statement (StatementView.trafficLocks and
 * .slowWork); rules read those fields.
 */
import { onQueriedRelation } from '../../report/locks';
import type { LockEntry } from '../../report/types';
import { blocksTraffic } from '../catalog';
import { exact } from '../exact';
import type { StatementView } from './types';

type LockFacts = Pick<StatementView, 'locks' | 'fresh' | 'prediction'>;
type WorkFacts = Pick<StatementView, 'rewrites' | 'fresh' | 'populated' | 'prediction'>;

const NO_LOCKS: readonly LockEntry[] = Object.freeze([]);

/** Locks that queue application queries, on relations that existed before the change. */
export function findTrafficLocks(s: LockFacts): readonly LockEntry[] {
  let found: LockEntry[] | undefined;
  for (let i = 0; i < s.locks.length; i++) {
    const l = s.locks[i];
    // A relation the statement itself created (a new table's sequence and indexes, the index behind
    // a new UNIQUE constraint: traced as `created`) is invisible to every other session until COMMIT.
    // Object locks (a type, a function, a schema) are taken by DDL only; queries never wait on them.
    if (blocksTraffic(l.mode) && !l.created && onQueriedRelation(l) && !s.fresh.has(l.relation) && !s.prediction.created.includes(l.relation)) {
      (found ??= []).push(l);
    }
  }
  // Most statements take none: share one empty list rather than allocate one each.
  return found ? exact(found) : NO_LOCKS;
}

/** Statements whose duration grows with table size: rewrites, scans, index builds, backfills. */
export function findSlowWork(s: WorkFacts): string | null {
  // An empty new table is instant to work on; one filled from existing tables is not. A table
  // rewrite rebuilds its indexes too: name the table, not the first index pg_locks happens to list.
  for (const indexes of [false, true]) {
    for (let i = 0; i < s.rewrites.length; i++) {
      const rewrite = s.rewrites[i];
      if ((rewrite.kind === 'index') === indexes && sized(s, rewrite.relation)) return `rewrites ${rewrite.relation}`;
    }
  }
  const effects = s.prediction.effects;
  let inserts = false;
  for (let i = 0; i < effects.length; i++) {
    const e = effects[i];
    inserts ||= e.code === 'insert';
    if (!sized(s, e.relation)) continue;
    if (e.code === 'update' || e.code === 'delete' || e.code === 'merge') return `${e.code === 'update' ? 'updates' : e.code === 'delete' ? 'deletes from' : 'merges into'} ${e.relation}`;
    if (e.scan && (blocksTraffic(e.mode) || s.fresh.has(e.relation))) return `scans ${e.relation}`;
  }
  if (!inserts) return null;
  for (let i = 0; i < effects.length; i++) {
    if (effects[i].code === 'read' && !s.fresh.has(effects[i].relation)) return `copies rows from ${effects[i].relation}`;
  }
  return null;
}

/**
 * Whether work on the relation grows with data: it existed before the change (and is not a system
 * catalog), or it is new but holds rows copied from existing tables.
 */
function sized(s: WorkFacts, relation: string): boolean {
  if (relation.startsWith('pg_catalog.')) return false;
  return !s.fresh.has(relation) || s.populated.has(relation);
}
