import { existingEffects, NO_HITS, Rule } from './types';
import { quoteIdent } from '../../parse/quote';
import { sqlName } from './support';

const CODES = ['drop-column'];

export const rule: Rule = {
  id: 'drop-column',
  severity: 'warning',
  summary: 'Dropping a column breaks running code that still reads or writes it (including ORMs that list every column).',
  triggers: { effects: CODES },
  check(s) {
    const effects = existingEffects(s, CODES);
    if (effects.length === 0) return NO_HITS;
    const cols = effects.map((e) => e.column).join(', ');
    const t = sqlName(effects[0].relation);
    return [
      {
        message: `Dropping ${cols} from ${effects[0].relation} breaks queries of application instances still deployed with code that uses ${effects.length > 1 ? 'them' : 'it'}.`,
        suggestion: `-- 1. deploy code that no longer reads or writes ${cols} (ORMs: mark it ignored)\n-- 2. then, in a later migration, with a short lock_timeout:\nSET lock_timeout = '5s';\nALTER TABLE ${t} ${effects.map((e) => `DROP COLUMN IF EXISTS ${quoteIdent(e.column!)}`).join(', ')};`,
      },
    ];
  },
};
