/**
 * Static lock windows: each traffic-blocking lock on a pre-existing relation, from the statement
 * that takes it to the end of its transaction (locks are only released at COMMIT). The dry run
 * replaces these with traced windows and measured hold times.
 */
import type { LockWindow } from '../report/types';
import { lockRank } from './catalog';
import type { MigrationView } from './rules/types';

export function computeLockWindows(m: MigrationView): LockWindow[] {
  const windows: LockWindow[] = [];
  for (const span of m.transactions.spans) {
    const byRelation = new Map<string, LockWindow>();
    // span.statements is in ascending order: the statements after position k run while a lock taken at k is held.
    for (let k = 0; k < span.statements.length; k++) {
      const i = span.statements[k];
      for (const lock of m.statements[i].trafficLocks) {
        const open = byRelation.get(lock.relation);
        if (open && lockRank(open.mode) >= lockRank(lock.mode)) continue;
        // A stronger mode on the same relation starts a new, stricter window.
        byRelation.set(lock.relation, {
          relation: lock.relation,
          mode: lock.mode,
          acquiredAt: i,
          releasedAt: span.endedAt,
          heldDuring: span.statements.slice(k + 1),
          holdMs: null,
        });
        if (open) windows.push({ ...open, heldDuring: open.heldDuring.filter((j) => j < i) });
      }
    }
    windows.push(...byRelation.values());
  }
  return windows.sort((a, b) => a.acquiredAt - b.acquiredAt);
}
