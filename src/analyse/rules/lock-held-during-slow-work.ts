import { lockList, type NamedLock } from './support';
import type { LockMode } from '../../report/types';
import { Rule, RuleHit, StatementView } from './types';
import { lockRank } from '../catalog';

export const rule: Rule = {
  id: 'lock-held-during-slow-work',
  severity: 'error',
  summary: 'Locks are held until COMMIT: a lock taken early in a transaction keeps its table blocked while later statements do slow work.',
  /** One finding per transaction, at the first lock whose window covers slow work, describing the whole window. */
  checkMigration(m) {
    const hits: RuleHit[] = [];
    for (const span of m.transactions.spans) {
      if (span.openedBy === 'autocommit') continue;
      // Per relation: the strongest traffic lock so far, the statement that took it, and the first one that locked it.
      const held = new Map<string, { mode: LockMode; relkind?: string; takenBy: StatementView; at: StatementView }>();
      let first: StatementView | null = null;
      const slow: StatementView[] = [];
      for (const i of span.statements) {
        const s = m.statements[i];
        if (held.size > 0 && s.slowWork) {
          first ??= held.values().next().value!.at;
          slow.push(s);
        }
        for (const l of s.trafficLocks) {
          const before = held.get(l.relation);
          if (!before) held.set(l.relation, { mode: l.mode, relkind: l.relkind, takenBy: s, at: s });
          else if (lockRank(before.mode) < lockRank(l.mode)) held.set(l.relation, { mode: l.mode, relkind: l.relkind, takenBy: s, at: before.at });
        }
      }
      if (!first) continue;
      const lastSlow = slow[slow.length - 1].index;
      const locks: NamedLock[] = [];
      for (const [relation, h] of held) {
        if (h.at.index >= lastSlow) continue;
        // Where the strongest mode was taken, and since when the relation was locked at all: an
        // ACCESS EXCLUSIVE taken at line 3 was not yet held while line 2 scanned.
        const since = h.at === h.takenBy ? '' : `; locked since line ${h.at.parsed.line}`;
        locks.push({ relation, mode: h.mode, relkind: h.relkind, note: `(line ${h.takenBy.parsed.line}${since})` });
      }
      const work = slow.slice(0, 3).map((o) => `line ${o.parsed.line} ${o.slowWork}`).join('; ');
      const end = span.endedAt === null ? 'the end of the migration' : `COMMIT at line ${m.statements[span.endedAt].parsed.line}`;
      hits.push({
        statementIndex: first.index,
        message: `Locks are held until ${end}: ${lockList(locks).text} are held while ${work}${slow.length > 3 ? ` (+${slow.length - 3} more slow statements)` : ''}, so the tables stay blocked for the whole window.`,
        suggestion: '-- one risky DDL statement per transaction: split the migration so each slow statement runs in its own\n-- transaction (backfills in batches, index builds CONCURRENTLY), and take ACCESS EXCLUSIVE last, just before COMMIT.',
      });
    }
    return hits;
  },
};
