import { existingEffects, NO_HITS, Rule } from './types';
import { lockPhrase } from './support';

const CODES = ['reindex'];

export const rule: Rule = {
  id: 'require-concurrent-reindex',
  severity: 'warning',
  summary: 'REINDEX without CONCURRENTLY blocks writes to the table and reads through the rebuilt indexes.',
  triggers: { effects: CODES },
  check(s, m) {
    const effects = existingEffects(s, CODES);
    if (effects.length === 0) return NO_HITS;
    const table = effects.find((e) => e.relkind === 'table') ?? effects[0];
    const suggestion =
      m.pgVersion >= 12
        ? `-- outside a transaction (PostgreSQL 12+):\n${s.parsed.sql.replace(/^REINDEX\s+(\([^)]*\)\s*)?(INDEX|TABLE)\b/i, 'REINDEX $2 CONCURRENTLY')};`
        : '-- before PostgreSQL 12: build a copy and swap it\nCREATE INDEX CONCURRENTLY new_idx ON … ;\nDROP INDEX CONCURRENTLY old_idx;\nALTER INDEX new_idx RENAME TO old_idx;';
    return [{ message: `REINDEX ${lockPhrase(table.relation, table.mode)} and ACCESS EXCLUSIVE on each index it rebuilds.`, suggestion }];
  },
};
