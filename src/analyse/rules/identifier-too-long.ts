import { NO_HITS, Rule } from './types';

/** Quoted identifiers, unquoted words; string literals and comments are blanked out first. */
const IDENTIFIER = /"((?:[^"]|"")+)"|[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/g;
const NON_CODE = /'(?:[^']|'')*'|\$([A-Za-z_]*)\$[\s\S]*?\$\1\$|--[^\n]*|\/\*[\s\S]*?\*\//g;

/**
 * Cheap pre-check: a run of 64 name characters (starting after a separator or at the start), or 64
 * characters after a double quote. Anchoring each run at its first character makes the regex scan
 * the text about once instead of re-reading every run from each of its characters.
 */
export const LONG_RUN = /(?:^|[\s"'(),;.])[^\s"'(),;.]{64}|"[^"]{64}/;

export const rule: Rule = {
  id: 'identifier-too-long',
  severity: 'warning',
  summary: 'PostgreSQL silently truncates identifiers longer than 63 bytes, so later references by the full name miss.',
  check(s) {
    // Cheap pre-check: no run of 64 name characters, no long identifier.
    if (!LONG_RUN.test(s.parsed.sql)) return NO_HITS;
    // The parser has already truncated names in the tree, so read the source text.
    const code = s.parsed.sql.replace(NON_CODE, ' ');
    const long = new Set<string>();
    for (const match of code.matchAll(IDENTIFIER)) {
      const name = match[1] ?? match[0];
      if (Buffer.byteLength(name, 'utf8') > 63) long.add(name);
    }
    return [...long].map((name) => ({
      message: `"${name}" is ${Buffer.byteLength(name, 'utf8')} bytes; PostgreSQL silently stores it as "${Buffer.from(name).subarray(0, 63).toString('utf8')}".`,
      suggestion: `-- use a name of at most 63 bytes, e.g. ${name.slice(0, 55)}`,
    }));
  },
};
