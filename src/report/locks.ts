/**
 * Which of a statement's locks a reviewer needs to see. pg_locks lists everything the backend
 * holds; most of it blocks nobody: ACCESS SHARE (conflicts only with ACCESS EXCLUSIVE), ROW
 * EXCLUSIVE on the indexes a DML statement maintains (implied by the table's own entry), and
 * any lock on a relation the statement itself created (invisible to other sessions).
 */
import { LOCK_MODES } from './types';
import type { LockEntry, LockWindow } from './types';

/** Relation kinds that queries read or write. Object locks are named by their object type instead. */
const QUERIED_KINDS = new Set(['table', 'partitioned table', 'index', 'partitioned index', 'sequence', 'view', 'materialized view', 'foreign table']);

/**
 * Whether application queries can wait on this lock: it is on a relation they use. Locks on a type,
 * a function, a schema or a composite type are taken by DDL alone. A predicted lock without a
 * kind is on a relation.
 */
export function onQueriedRelation(l: LockEntry): boolean {
  return l.relkind === undefined || QUERIED_KINDS.has(l.relkind);
}

export function reviewerLocks(locks: LockEntry[]): LockEntry[] {
  return locks.filter(
    (l) => !l.created && l.mode !== 'AccessShareLock' && !(l.relkind === 'index' && l.mode === 'RowExclusiveLock'),
  );
}

/**
 * A window adds nothing for a reviewer when a stronger mode on the same relation was taken at or
 * before it and is released with it: whatever it blocks, the stronger lock already blocks.
 */
export function coveredByStrongerWindow(window: LockWindow, windows: LockWindow[]): boolean {
  return windows.some(
    (other) =>
      other.relation === window.relation &&
      LOCK_MODES.indexOf(other.mode) > LOCK_MODES.indexOf(window.mode) &&
      other.acquiredAt <= window.acquiredAt &&
      other.releasedAt === window.releasedAt,
  );
}
