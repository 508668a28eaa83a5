import { NO_HITS, Rule } from './types';

export const rule: Rule = {
  id: 'opaque-statement',
  severity: 'info',
  summary: 'DO blocks and ALTER DOMAIN … ADD CONSTRAINT have effects drydock cannot predict statically; the dry run traces them.',
  triggers: { kinds: ['DoStmt', 'AlterDomainStmt'] },
  check(s) {
    if (!s.prediction.opaque || s.traced) return NO_HITS;
    if (s.parsed.kind !== 'DoStmt' && s.parsed.kind !== 'AlterDomainStmt') return NO_HITS;
    return [
      {
        message: `${s.parsed.kind === 'DoStmt' ? 'A DO block' : 'ALTER DOMAIN … ADD CONSTRAINT'} can lock and scan tables that static analysis cannot see.`,
        suggestion: '-- run drydock with the dry run (default mode) to trace its real locks; prefer plain SQL statements in migrations',
      },
    ];
  },
};
