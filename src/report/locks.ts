/**
 * Which of a statement's locks a reviewer needs to see. pg_locks lists everything the backend
 * holds; most of it blocks nobody: ACCESS SHARE (conflicts only with ACCESS EXCLUSIVE), ROW
 * EXCLUSIVE on the indexes a DML statement maintains (implied by the table's own entry), and
 * any lock on a relation the statement itself created (invisible to other sessions).
 */
import type { LockEntry } from './types';

export function reviewerLocks(locks: LockEntry[]): LockEntry[] {
  return locks.filter(
    (l) => !l.created && l.mode !== 'AccessShareLock' && !(l.relkind === 'index' && l.mode === 'RowExclusiveLock'),
  );
}
