import { existingEffects, NO_HITS, Rule } from './types';

const CODES = ['update', 'delete'];
const BATCH_DIRECTIVE = /^--\s*drydock:batch\b/;

export const rule: Rule = {
  id: 'batched-backfill',
  severity: 'warning',
  summary: 'UPDATE/DELETE of a whole existing table in one statement locks every row it touches until commit and writes all its WAL at once.',
  triggers: { effects: CODES },
  check(s) {
    // Only whole-table statements: a targeted UPDATE/DELETE (with WHERE) is usually a small data fix.
    const effect = existingEffects(s, CODES).find((e) => e.detail === 'every row');
    if (!effect) return NO_HITS;
    // Already batched by drydock (docs/data-migrations.md): each batch commits on its own.
    if (s.parsed.comments.some((c) => BATCH_DIRECTIVE.test(c.text))) return NO_HITS;
    return [
      {
        message: `This ${effect.code.toUpperCase()} on ${effect.relation} touches every row in one transaction: row locks block concurrent writers of those rows until commit, and dead tuples and WAL arrive in one burst.`,
        suggestion: `-- let drydock run it in key-range batches, each committed on its own and resumable after a crash\n-- (the statement alone in its migration; see docs/data-migrations.md):\n-- drydock:batch key=id size=5000 pause=50ms\n${s.parsed.sql};`,
      },
    ];
  },
};
