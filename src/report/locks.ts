/**
 * Which of a statement's locks a reviewer needs to see. pg_locks lists everything the backend
 * holds; most of it blocks nobody: ACCESS SHARE (conflicts only with ACCESS EXCLUSIVE), ROW
 * EXCLUSIVE on the indexes a DML statement maintains (implied by the table's own entry), and
 * any lock on a relation the statement itself created (invisible to other sessions).
 */
import { LOCK_MODES } from './types';
import type { LockEntry, LockWindow } from './types';

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
