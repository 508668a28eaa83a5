import { Rule } from './types';

/** Findings are produced by the suppression step (../suppress.ts); this entry names and documents them. */
export const rule: Rule = {
  id: 'ignore-directive',
  severity: 'error',
  summary: 'A drydock:ignore comment must name known rules and give a reason after "--".',
};
