import { existingEffects, NO_HITS, Rule } from './types';
import { lockPhrase, sqlName } from './support';

const CODES = ['drop-index'];

export const rule: Rule = {
  id: 'require-concurrent-index-drop',
  severity: 'warning',
  summary: 'DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on the table and waits behind every running query.',
  triggers: { effects: CODES },
  check(s) {
    const onTable = existingEffects(s, CODES).find((e) => e.relkind === 'table');
    const onIndex = existingEffects(s, CODES).find((e) => e.relkind === 'index');
    if (!onIndex) return NO_HITS;
    const target = onTable ?? onIndex;
    return [
      {
        message: `DROP INDEX ${lockPhrase(target.relation, target.mode)}${onTable ? '' : ' (its table is locked as well)'}.`,
        suggestion: `-- in its own migration that runs outside a transaction:\nDROP INDEX CONCURRENTLY IF EXISTS ${sqlName(onIndex.relation)};`,
      },
    ];
  },
};
