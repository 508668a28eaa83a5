import { Rule } from './types';

/** Findings are produced by the suppression step (../suppress.ts); this entry names and documents them. */
export const rule: Rule = {
  id: 'unused-ignore',
  severity: 'info',
  summary: 'A drydock:ignore comment silences nothing: the rule no longer fires on that statement.',
};
