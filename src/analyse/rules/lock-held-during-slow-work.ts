import { modeName } from './support';
import { slowWork, trafficLocks } from './locking';
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
      const statements = span.statements.map((i) => m.statements[i]);
      const held = new Map<string, { mode: number; label: string; at: StatementView }>();
      let first: StatementView | null = null;
      const slow: StatementView[] = [];
      for (const s of statements) {
        if (held.size > 0 && slowWork(s)) {
          first ??= [...held.values()][0].at;
          slow.push(s);
        }
        for (const l of trafficLocks(s)) {
          if ((held.get(l.relation)?.mode ?? -1) < lockRank(l.mode)) held.set(l.relation, { mode: lockRank(l.mode), label: `${modeName(l.mode)} on ${l.relation} (line ${s.parsed.line})`, at: held.get(l.relation)?.at ?? s });
        }
      }
      if (!first) continue;
      const locks = [...held.values()].filter((h) => h.at.index < slow[slow.length - 1].index).map((h) => h.label);
      const work = slow.slice(0, 3).map((o) => `line ${o.parsed.line} ${slowWork(o)}`).join('; ');
      const end = span.endedAt === null ? 'the end of the migration' : `COMMIT at line ${m.statements[span.endedAt].parsed.line}`;
      hits.push({
        statementIndex: first.index,
        message: `Locks are held until ${end}: ${locks.slice(0, 4).join(', ')}${locks.length > 4 ? ` (+${locks.length - 4} more)` : ''} are held while ${work}${slow.length > 3 ? ` (+${slow.length - 3} more slow statements)` : ''}, so the tables stay blocked for the whole window.`,
        suggestion: '-- one risky DDL statement per transaction: split the migration so each slow statement runs in its own\n-- transaction (backfills in batches, index builds CONCURRENTLY), and take ACCESS EXCLUSIVE last, just before COMMIT.',
      });
    }
    return hits;
  },
};
