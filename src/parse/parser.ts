/**
 * Splits a SQL file into statements with the real PostgreSQL parser (libpg-query, WebAssembly),
 * with exact 1-based line and column positions.
 *
 * libpg-query reports byte offsets into the UTF-8 encoding; JavaScript strings index UTF-16 code
 * units. `SourceText` converts between the two so that positions stay right for non-ASCII text.
 */
import * as pgQuery from 'libpg-query';
import { DrydockError } from '../util/errors';
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
  loaded ??= pgQuery.loadModule();
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
  let tokens: Token[];
  try {
    rawStmts = (pgQuery.parseSync(text).stmts ?? []) as RawStmt[];
    tokens = pgQuery.scanSync(text).tokens as Token[];
  } catch (error) {
    throw parseError(error, source, path);
  }

  const commentTokens = tokens.filter((t) => COMMENT_TOKENS.has(t.tokenName));
  const codeTokens = tokens.filter((t) => !COMMENT_TOKENS.has(t.tokenName));
  const totalBytes = Buffer.byteLength(text, 'utf8');

  const statements: ParsedStatement[] = [];
  let codeCursor = 0;
  for (const raw of rawStmts) {
    const fromByte = raw.stmt_location ?? 0;
    const toByte = raw.stmt_len ? fromByte + raw.stmt_len : totalBytes;
    // First and last code token inside the range: drops leading/trailing comments and blanks.
    while (codeCursor < codeTokens.length && codeTokens[codeCursor].start < fromByte) codeCursor++;
    let last = codeCursor;
    while (last + 1 < codeTokens.length && codeTokens[last + 1].end <= toByte) last++;
    const first = codeTokens[codeCursor];
    const lastToken = codeTokens[last];
    if (!first || !lastToken) continue;
    const startByte = first.start;
    let endByte = lastToken.end;
    if (lastToken.tokenName === 'ASCII_59' && last > codeCursor) endByte = codeTokens[last - 1].end;
    codeCursor = last + 1;

    const start = source.charOffset(startByte);
    const end = source.charOffset(endByte);
    const kind = Object.keys(raw.stmt)[0] ?? 'Unknown';
    const { line, column } = source.position(start);
    const behaviour = classifyTransactionBehaviour(kind, raw.stmt[kind] as Record<string, unknown>);
    statements.push({
      index: statements.length,
      line,
      column,
      endLine: source.position(end).line,
      start,
      end,
      sql: text.slice(start, end),
      kind,
      ast: raw.stmt,
      nonTransactional: behaviour.nonTransactional,
      transactionControl: behaviour.transactionControl,
      comments: [],
    });
  }

  const trailingComments = attachComments(commentTokens, statements, source);
  return { statements, trailingComments };
}

/**
 * A comment belongs to the statement it precedes, or to the statement it follows on the same line
 * (`CREATE INDEX …; -- drydock:ignore …`).
 */
function attachComments(commentTokens: Token[], statements: ParsedStatement[], source: SourceText): SourceComment[] {
  const trailing: SourceComment[] = [];
  let s = 0;
  for (const token of commentTokens) {
    const start = source.charOffset(token.start);
    const comment = { text: source.text.slice(start, source.charOffset(token.end)), line: source.position(start).line };
    while (s < statements.length && statements[s].end <= start && !sameLineAfter(statements[s], comment.line, start, source)) s++;
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
