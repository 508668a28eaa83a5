/**
 * Where the comments of a statement are, by PostgreSQL's lexical rules (src/backend/parser/scan.l):
 * a `--` or `/*` starts a comment anywhere except inside a string literal, a quoted identifier or a
 * dollar-quoted body, so those are skipped whole. Block comments nest; a string continued on the
 * next line (`'a'` newline `'b'`) is one string, though the comments between its parts still count.
 *
 * libpg-query's scanner knows the same rules, but each call returns every token as JSON: on
 * lemmy's 106 statements that hold comment markers it cost ~40 ms, a tenth of a static check.
 * This lexer answers only the question the parser asks; __tests__/parse/comments.test.ts and the
 * corpus test hold it to the scanner's answer, and it returns null (ask the scanner) whenever the
 * text ends inside something it opened.
 */

export interface Span {
  start: number;
  end: number;
}

export interface CommentScan {
  comments: Span[];
  /** First to last character of code, without comments, blanks and semicolons around it; null if none. */
  code: Span | null;
}

const SPACE = new Set([' ', '\t', '\n', '\r', '\f', '\v']);

/** Letters, digits, `_`, `$` and every non-ASCII character continue an identifier. */
function continuesIdentifier(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39) || code === 0x5f || code === 0x24 || code >= 0x80
  );
}

function startsIdentifier(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x5f || code >= 0x80;
}

/** Lexes text[from, to); null when a string, identifier or comment opened there does not close. */
export function scanComments(text: string, from = 0, to = text.length): CommentScan | null {
  const comments: Span[] = [];
  let codeStart = -1;
  let codeEnd = -1;
  let i = from;
  while (i < to) {
    const c = text[i];
    if (SPACE.has(c)) {
      i++;
      continue;
    }
    let end: number;
    if (c === '-' && text[i + 1] === '-') {
      end = lineCommentEnd(text, i, to);
      comments.push({ start: i, end });
      i = end;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      end = blockCommentEnd(text, i, to);
      if (end < 0) return null;
      comments.push({ start: i, end });
      i = end;
      continue;
    }
    const code = text.charCodeAt(i);
    if (c === "'") end = stringEnd(text, i + 1, to, false, comments);
    else if (c === '"') end = quotedIdentifierEnd(text, i + 1, to);
    else if (c === '$') end = dollarTokenEnd(text, i, to);
    else if (startsIdentifier(code)) end = wordEnd(text, i, to, comments);
    else end = i + 1;
    if (end < 0) return null;
    if (c !== ';') {
      if (codeStart < 0) codeStart = i;
      codeEnd = end;
    }
    i = end;
  }
  return { comments, code: codeStart < 0 ? null : { start: codeStart, end: codeEnd } };
}

/** A `--` comment runs to the end of its line (a newline or carriage return ends it). */
function lineCommentEnd(text: string, from: number, to: number): number {
  let i = from + 2;
  while (i < to && text[i] !== '\n' && text[i] !== '\r') i++;
  return i;
}

/** Block comments nest; -1 when unterminated. */
function blockCommentEnd(text: string, from: number, to: number): number {
  let depth = 0;
  let i = from;
  while (i < to) {
    if (text[i] === '/' && text[i + 1] === '*') {
      depth++;
      i += 2;
    } else if (text[i] === '*' && text[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  return -1;
}

/**
 * After the opening quote: `''` is a quote inside the string, and with backslash escapes (E'…')
 * `\` escapes the next character. A string continued by whitespace holding a newline and then a
 * quote is one string; the comments in that whitespace still count as comments (the scanner
 * reports them). -1 when unterminated.
 */
function stringEnd(text: string, from: number, to: number, backslashEscapes: boolean, comments: Span[]): number {
  let i = from;
  for (;;) {
    while (i < to) {
      const c = text[i];
      if (backslashEscapes && c === '\\') i += 2;
      else if (c === "'" && text[i + 1] === "'") i += 2;
      else if (c === "'") break;
      else i++;
    }
    if (i >= to) return -1;
    const between: Span[] = [];
    const next = continuation(text, i + 1, to, between);
    if (next < 0) return i + 1;
    comments.push(...between);
    i = next;
  }
}

/**
 * scan.l's quotecontinue: blanks (space, tab, form feed) and `--` comments, a newline, then any
 * whitespace and `--` comments each ended by a newline, then a quote. Returns the index after that
 * quote, or -1 when the string does not continue.
 */
function continuation(text: string, from: number, to: number, comments: Span[]): number {
  let i = from;
  let newline = false;
  while (i < to) {
    const c = text[i];
    if (c === '\n' || c === '\r') {
      newline = true;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\f' || (newline && c === '\v')) {
      i++;
    } else if (c === '-' && text[i + 1] === '-') {
      const start = i;
      i = lineCommentEnd(text, i, to);
      comments.push({ start, end: i });
      if (newline && text[i] !== '\n' && text[i] !== '\r') return -1;
    } else {
      break;
    }
  }
  return newline && i < to && text[i] === "'" ? i + 1 : -1;
}

/** After the opening `"`: `""` is a quote inside the identifier. -1 when unterminated. */
function quotedIdentifierEnd(text: string, from: number, to: number): number {
  let i = from;
  while (i < to) {
    if (text[i] === '"' && text[i + 1] === '"') i += 2;
    else if (text[i] === '"') return i + 1;
    else i++;
  }
  return -1;
}

/** `$1` (a parameter), `$tag$…$tag$` / `$$…$$` (a dollar-quoted string), or a lone `$`. */
function dollarTokenEnd(text: string, from: number, to: number): number {
  let i = from + 1;
  if (i < to && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) {
    while (i < to && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i++;
    return i;
  }
  if (i < to && startsIdentifier(text.charCodeAt(i))) {
    while (i < to && continuesIdentifier(text.charCodeAt(i)) && text[i] !== '$') i++;
  }
  if (text[i] !== '$') return from + 1;
  const delimiter = text.slice(from, i + 1);
  const close = text.indexOf(delimiter, i + 1);
  return close < 0 || close + delimiter.length > to ? -1 : close + delimiter.length;
}

/**
 * An identifier or keyword, or a string with a prefix: E'…' (backslash escapes), B'…', X'…', N'…',
 * U&'…', and U&"…" (a quoted identifier).
 */
function wordEnd(text: string, from: number, to: number, comments: Span[]): number {
  const c = text[from].toLowerCase();
  const next = text[from + 1];
  if (next === "'") {
    if (c === 'e') return stringEnd(text, from + 2, to, true, comments);
    if (c === 'b' || c === 'x' || c === 'n') return stringEnd(text, from + 2, to, false, comments);
  }
  if (c === 'u' && next === '&') {
    if (text[from + 2] === "'") return stringEnd(text, from + 3, to, false, comments);
    if (text[from + 2] === '"') return quotedIdentifierEnd(text, from + 3, to);
  }
  let i = from + 1;
  while (i < to && continuesIdentifier(text.charCodeAt(i))) i++;
  return i;
}
