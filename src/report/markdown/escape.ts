/**
 * Everything a migration author controls (SQL, comments, file names, finding text that quotes SQL)
 * reaches a PR comment through these functions, so it renders as inert text: no HTML, no closing
 * code fences, no @-mentions, no table breakage. Secrets are stripped first (redact).
 */
import { redact } from '../../util/secrets';

const ZERO_WIDTH_SPACE = '&#8203;';

/** Inline text: HTML entities, markdown punctuation backslash-escaped, mentions broken, one line. */
export function inline(text: string): string {
  return redact(text)
    .replace(/\r?\n|\r/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    // Emphasis, code spans, links/images ("[" and "]"), table cells and strikethrough.
    .replace(/([\\`*_[\]|~])/g, '\\$1')
    // An entity between "@" and the name stops GitHub from linking (and notifying) the user.
    .replace(/@/g, '@' + ZERO_WIDTH_SPACE);
}

/** Text inside raw HTML (a <summary> line), where markdown is not parsed: entities only. */
export function htmlText(text: string): string {
  return redact(text)
    .replace(/\r?\n|\r/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/@/g, '@' + ZERO_WIDTH_SPACE);
}

/**
 * Inline code span: the SQL stays readable, and a backtick run inside cannot end the span. In a
 * table cell GitHub splits on "|" even inside code spans unless it is written "\|".
 */
export function code(text: string, options: { inTable?: boolean } = {}): string {
  let clean = redact(text).replace(/\r?\n|\r/g, ' ');
  if (options.inTable) clean = clean.replace(/\|/g, '\\|');
  const longestRun = Math.max(0, ...(clean.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = clean.startsWith('`') || clean.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${clean}${pad}${fence}`;
}

/**
 * A fenced block. CommonMark closes a fence only with a run at least as long as the opening one,
 * so a fence longer than every backtick run in the text cannot be closed from inside; HTML and
 * mentions inside a code block are never interpreted.
 */
export function codeBlock(text: string, language = 'sql'): string {
  const clean = redact(text).replace(/\r\n?/g, '\n').replace(/\n+$/, '');
  const longestRun = Math.max(0, ...(clean.match(/`{3,}/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}${language}\n${clean}\n${fence}`;
}

/** Keep the first `maxLines` lines and `maxChars` characters; say how much was cut. */
export function truncateSql(sql: string, maxLines: number, maxChars: number): { text: string; cut: boolean } {
  const lines = sql.split('\n');
  let text = lines.slice(0, maxLines).join('\n');
  if (text.length > maxChars) text = text.slice(0, maxChars);
  const cut = text.length < sql.length;
  return { text: cut ? `${text}\n-- … ${lines.length > maxLines ? `${lines.length - maxLines} more lines` : 'truncated'}` : text, cut };
}
