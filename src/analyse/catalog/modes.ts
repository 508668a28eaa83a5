/** Lock-mode arithmetic: ordering, what each mode blocks, and the LOCK TABLE mode numbers. */
import { LOCK_MODES, LockMode } from '../../report/types';

/** What application traffic a held mode stops (postgres-locks.md §1). */
export type Blocks = 'reads+writes' | 'writes' | 'ddl';

export function lockRank(mode: LockMode): number {
  return LOCK_MODES.indexOf(mode);
}

export function strongest(a: LockMode, b: LockMode): LockMode {
  return lockRank(a) >= lockRank(b) ? a : b;
}

export function blocksOf(mode: LockMode): Blocks {
  if (mode === 'AccessExclusiveLock') return 'reads+writes';
  // ShareLock and above conflict with RowExclusiveLock, the lock of INSERT/UPDATE/DELETE.
  if (lockRank(mode) >= lockRank('ShareLock')) return 'writes';
  return 'ddl';
}

/** Modes that conflict with a lock ordinary application queries take (they queue traffic). */
export function blocksTraffic(mode: LockMode): boolean {
  return blocksOf(mode) !== 'ddl';
}

export function describeBlocks(blocks: Blocks): string {
  switch (blocks) {
    case 'reads+writes':
      return 'blocks reads and writes';
    case 'writes':
      return 'blocks writes; reads continue';
    default:
      return 'blocks only DDL and VACUUM';
  }
}

/** LockStmt.mode numbers are PostgreSQL's lock-mode constants (1 = AccessShareLock … 8). */
export function lockModeFromNumber(n: number): LockMode {
  return LOCK_MODES[Math.min(Math.max(n, 1), 8) - 1];
}
