import { existingEffects, NO_HITS, Rule } from './types';
import { insertKeyword, lockPhrase } from './support';

const CODES = ['create-index'];

export const rule: Rule = {
  id: 'require-concurrent-index',
  severity: 'error',
  summary: 'CREATE INDEX without CONCURRENTLY blocks writes to an existing table for the whole index build.',
  triggers: { effects: CODES },
  check(s) {
    const effect = existingEffects(s, CODES)[0];
    if (!effect) return NO_HITS;
    const base = s.parsed.sql.replace(/\s+IF\s+NOT\s+EXISTS\b/i, '');
    const sql = insertKeyword(base, /^CREATE\s+(UNIQUE\s+)?INDEX/i, effect.detail ? 'CONCURRENTLY IF NOT EXISTS' : 'CONCURRENTLY');
    return [
      {
        message: `CREATE INDEX ${lockPhrase(effect.relation, effect.mode)} while it reads every row to build the index.`,
        suggestion: `-- in its own migration that runs outside a transaction:\n${sql};${effect.detail ? '' : '\n-- name the index so a failed build can be found and dropped'}`,
      },
    ];
  },
};
