/**
 * Splits a SQL file into statements with the real PostgreSQL parser (libpg-query, WebAssembly),
 * with exact 1-based line and column positions.
 *
 * libpg-query reports byte offsets into the UTF-8 encoding; JavaScript strings index UTF-16 code
 * units. `SourceText` converts between the two so that positions stay right for non-ASCII text.
 */
import * as pgQuery from 'libpg-query';
import { setFlagsFromString } from 'node:v8';
import { DrydockError } from '../util/errors';
import { type CommentScan, scanComments, type Span } from './comments';
import { classifyTransactionBehaviour } from './transaction';

export interface SourceComment {
  text: string;
  line: number;
}

export interface ParsedStatement {
  index: number;
  line: number;
  column: number;
  endLine: number;
  /** Character offsets into the source string, end exclusive, without the trailing semicolon. */
  start: number;
  end: number;
  sql: string;
  kind: string;
  /** The parse tree of the statement: `{ [kind]: node }`. */
  ast: Record<string, unknown>;
  nonTransactional: boolean;
  transactionControl: boolean;
  /** Comments between the previous statement and this one, inside it, or after it on its last line. */
  comments: SourceComment[];
}

export interface ParsedFile {
  statements: ParsedStatement[];
  /** Comments after the last statement (or all comments of a comment-only file). */
  trailingComments: SourceComment[];
}

let loaded: Promise<void> | null = null;

/** Load the WebAssembly parser once; every other function here is synchronous afterwards. */
export function loadParser(): Promise<void> {
  if (!loaded) {
    // V8's optimising WebAssembly tier spends longer compiling the parser (1.7 MB of wasm) than a
    // check spends parsing: with the baseline compiler only, lemmy's 342 files parse in ~0.2 s
    // instead of ~0.4–0.8 s (bench/results/lint.md). Only this module uses WebAssembly.
    // Set after start-up, --liftoff-only no longer implies the other two on V8 13 (Node 24, the
    // Action's runtime): tier-up went on, and the process then waited ~0.35 s at exit for the
    // background compile jobs (bench:lint on lemmy: 0.5 s instead of 0.14 s for parsing alone).
    setFlagsFromString('--liftoff-only');
    setFlagsFromString('--no-wasm-tier-up');
    setFlagsFromString('--no-wasm-dynamic-tiering');
    loaded = pgQuery.loadModule();
  }
  return loaded;
}

/** Maps UTF-8 byte offsets to string offsets, and string offsets to line/column. */
export class SourceText {
  private readonly byteToChar: Int32Array | null;
  private readonly lineStarts: number[];

  /** `lineOffset`: lines of the file above `text` (a dbmate section starts mid-file). */
  constructor(
    readonly text: string,
    private readonly lineOffset = 0,
  ) {
    const bytes = Buffer.byteLength(text, 'utf8');
    this.byteToChar = bytes === text.length ? null : buildByteMap(text, bytes);
    this.lineStarts = [0];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  charOffset(byteOffset: number): number {
    if (!this.byteToChar) return byteOffset;
    const clamped = Math.max(0, Math.min(byteOffset, this.byteToChar.length - 1));
    return this.byteToChar[clamped];
  }

  /** String offset of a 0-based code-point offset (libpg-query's error cursor counts code points). */
  charOffsetOfCodePoint(codePoint: number): number {
    if (!this.byteToChar) return codePoint;
    let i = 0;
    for (let n = 0; n < codePoint && i < this.text.length; n++) i += this.text.codePointAt(i)! >= 0x10000 ? 2 : 1;
    return i;
  }

  /** 1-based line and column (column counted in Unicode code points) of a string offset. */
  position(charOffset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= charOffset) lo = mid;
      else hi = mid - 1;
    }
    const lineStart = this.lineStarts[lo];
    // Columns count code points; for ASCII text that is the string distance.
    const column = this.byteToChar ? [...this.text.slice(lineStart, charOffset)].length + 1 : charOffset - lineStart + 1;
    return { line: lo + 1 + this.lineOffset, column };
  }

  lineText(fileLine: number): string {
    const line = fileLine - this.lineOffset;
    const start = this.lineStarts[line - 1] ?? this.text.length;
    const next = this.lineStarts[line];
    return this.text.slice(start, next === undefined ? undefined : next - 1).replace(/\r$/, '');
  }
}

function buildByteMap(text: string, bytes: number): Int32Array {
  const map = new Int32Array(bytes + 1);
  let b = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.codePointAt(i)!;
    const width = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    for (let k = 0; k < width; k++) map[b + k] = i;
    b += width;
    if (code >= 0x10000) i++; // surrogate pair: two UTF-16 units, one code point
  }
  map[bytes] = text.length;
  return map;
}

interface RawStmt {
  stmt: Record<string, unknown>;
  stmt_location?: number;
  stmt_len?: number;
}

interface Token {
  start: number;
  end: number;
  tokenName: string;
}

const COMMENT_TOKENS = new Set(['SQL_COMMENT', 'C_COMMENT']);

/**
 * Parse a whole file. Throws a DrydockError naming path:line:column, the parser's message and the
 * offending line when the SQL does not parse.
 */
export function parseSql(text: string, path: string, options: { lineOffset?: number } = {}): ParsedFile {
  if (!loaded) throw new Error('parseSql called before loadParser()');
  const source = new SourceText(text, options.lineOffset ?? 0);
  // libpg-query rejects an empty string; an empty migration file simply has no statements.
  if (text.trim() === '') return { statements: [], trailingComments: [] };
  let rawStmts: RawStmt[];
  try {
    rawStmts = (pgQuery.parseSync(text).stmts ?? []) as RawStmt[];
  } catch (error) {
    throw parseError(error, source, path);
  }

  const statements: ParsedStatement[] = [];
  const comments: Span[] = [];
  let previousEnd = 0;
  for (const raw of rawStmts) {
    const rangeStart = source.charOffset(raw.stmt_location ?? 0);
    const rangeEnd = raw.stmt_len ? source.charOffset((raw.stmt_location ?? 0) + raw.stmt_len) : text.length;
    // Between statements: blank space, `;` and comments.
    comments.push(...lex(text, previousEnd, rangeStart).comments);
    const code = codeSpan(text, rangeStart, rangeEnd, comments);
    // codeSpan collected the comments inside the range; the next gap starts after it.
    previousEnd = rangeEnd;
    if (!code) continue;

    const kind = Object.keys(raw.stmt)[0] ?? 'Unknown';
    const { line, column } = source.position(code.start);
    const behaviour = classifyTransactionBehaviour(kind, raw.stmt[kind] as Record<string, unknown>);
    statements.push({
      index: statements.length,
      line,
      column,
      endLine: source.position(code.end).line,
      start: code.start,
      end: code.end,
      sql: text.slice(code.start, code.end),
      kind,
      ast: raw.stmt,
      nonTransactional: behaviour.nonTransactional,
      transactionControl: behaviour.transactionControl,
      comments: [],
    });
  }
  comments.push(...lex(text, previousEnd, text.length).comments);

  const trailingComments = attachComments(comments, statements, source);
  return { statements, trailingComments };
}

/**
 * The statement's own text within the parser's range, without surrounding comments, blanks and the
 * semicolon. Most statements contain no comment marker; those that do are lexed (a `--` inside a
 * string is told apart from a comment only by lexing).
 */
function codeSpan(text: string, from: number, to: number, comments: Span[]): Span | null {
  const body = text.slice(from, to);
  if (!body.includes('--') && !body.includes('/*')) {
    const trimmed = body.trimEnd().replace(/;$/, '').trimEnd();
    const lead = trimmed.length - trimmed.trimStart().length;
    return trimmed.length > lead ? { start: from + lead, end: from + trimmed.length } : null;
  }
  const lexed = lex(text, from, to);
  comments.push(...lexed.comments);
  return lexed.code;
}

/** text[from, to) lexed by scanComments, or by libpg-query's scanner where scanComments finds something it opened unclosed. */
function lex(text: string, from: number, to: number): CommentScan {
  const lexed = scanComments(text, from, to);
  if (lexed) return lexed;
  const scanned = scannerComments(text.slice(from, to));
  const shift = (span: Span) => ({ start: span.start + from, end: span.end + from });
  return { comments: scanned.comments.map(shift), code: scanned.code && shift(scanned.code) };
}

/**
 * libpg-query's scanner's answer for `text`, in string offsets: its comment tokens, and the first
 * to last code token that is not a semicolon. The fallback of lex(), and the oracle scanComments
 * is tested against.
 */
export function scannerComments(text: string): CommentScan {
  const source = new SourceText(text);
  const tokens = pgQuery.scanSync(text).tokens as Token[];
  const span = (t: Token) => ({ start: source.charOffset(t.start), end: source.charOffset(t.end) });
  const code = tokens.filter((t) => !COMMENT_TOKENS.has(t.tokenName) && t.tokenName !== 'ASCII_59');
  return {
    comments: tokens.filter((t) => COMMENT_TOKENS.has(t.tokenName)).map(span),
    code: code.length === 0 ? null : { start: span(code[0]).start, end: span(code[code.length - 1]).end },
  };
}

/**
 * A comment belongs to the statement it precedes, or to the statement it follows on the same line
 * (`CREATE INDEX …; -- drydock:ignore …`).
 */
function attachComments(spans: Span[], statements: ParsedStatement[], source: SourceText): SourceComment[] {
  const trailing: SourceComment[] = [];
  let s = 0;
  for (const span of spans.sort((a, b) => a.start - b.start)) {
    const comment = { text: source.text.slice(span.start, span.end), line: source.position(span.start).line };
    while (s < statements.length && statements[s].end <= span.start && !sameLineAfter(statements[s], comment.line, span.start, source)) s++;
    if (s < statements.length) statements[s].comments.push(comment);
    else trailing.push(comment);
  }
  return trailing;
}

function sameLineAfter(statement: ParsedStatement, commentLine: number, commentStart: number, source: SourceText): boolean {
  if (statement.endLine !== commentLine || commentStart < statement.end) return false;
  // Only when no other statement starts between them on that line.
  const between = source.text.slice(statement.end, commentStart);
  return /^\s*;?\s*$/.test(between);
}

function parseError(error: unknown, source: SourceText, path: string): DrydockError {
  const details = (error as { sqlDetails?: { message?: string; cursorPosition?: number } }).sqlDetails;
  const message = details?.message ?? (error instanceof Error ? error.message : String(error));
  if (details?.cursorPosition === undefined || details.cursorPosition < 0) {
    return new DrydockError(`SQL does not parse: ${message}`, {
      position: { path },
      fix: 'correct the SQL; drydock uses the PostgreSQL 18 parser',
    });
  }
  const offset = source.charOffsetOfCodePoint(details.cursorPosition);
  const { line, column } = source.position(offset);
  const lineText = source.lineText(line);
  return new DrydockError(`SQL does not parse: ${message}`, {
    position: { path, line, column },
    details: [`  ${lineText}`, `  ${' '.repeat(Math.max(0, column - 1))}^`],
    fix: 'correct the SQL at the marked position; drydock uses the PostgreSQL 18 parser',
  });
}
