/**
 * Lock windows: for each (relation, mode) a transaction acquired, the statement that acquired it,
 * the statement that ended the transaction (COMMIT/ROLLBACK, or null for drydock's own COMMIT at the
 * end of the migration) and the statements executed while it was held.
 */
import type { LockMode, LockWindow } from '../report/types';

interface OpenWindow {
  relation: string;
  mode: LockMode;
  acquiredAt: number;
  /** Clock reading (ms) when the acquiring statement started. */
  since: number;
}

export class TransactionLocks {
  private readonly open: OpenWindow[] = [];
  private readonly executed: number[] = [];
  /** Lock keys already held in this transaction: only new entries are reported per statement. */
  readonly seen = new Set<string>();
  /** Cumulative scan counters of this transaction, per relation OID (pg_stat_xact_* are per transaction). */
  readonly scans = new Map<number, { seqScans: number; tuplesRead: number }>();

  executedStatement(index: number): void {
    this.executed.push(index);
  }

  acquired(relation: string, mode: LockMode, index: number, since: number): void {
    this.open.push({ relation, mode, acquiredAt: index, since });
  }

  /** The transaction ended at statement `releasedAt` (null: drydock's implicit COMMIT), at time `now`. */
  close(releasedAt: number | null, now: number): LockWindow[] {
    return this.open.map((w) => ({
      relation: w.relation,
      mode: w.mode,
      acquiredAt: w.acquiredAt,
      releasedAt,
      heldDuring: this.executed.filter((i) => i > w.acquiredAt && i !== releasedAt),
      holdMs: round(now - w.since),
    }));
  }
}

export function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
