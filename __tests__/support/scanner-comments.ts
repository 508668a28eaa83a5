/**
 * libpg-query's own scanner as the oracle for src/parse/comments.ts: the comment tokens it finds,
 * and the span from the first to the last code token that is not a semicolon, as string offsets.
 */
import * as pgQuery from 'libpg-query';
import { SourceText } from '../../src/parse/parser';
import type { CommentScan } from '../../src/parse/comments';

interface Token {
  start: number;
  end: number;
  tokenName: string;
}

const COMMENTS = new Set(['SQL_COMMENT', 'C_COMMENT']);

export function scannerComments(text: string): CommentScan {
  const source = new SourceText(text);
  const tokens = pgQuery.scanSync(text).tokens as Token[];
  const span = (t: Token) => ({ start: source.charOffset(t.start), end: source.charOffset(t.end) });
  const code = tokens.filter((t) => !COMMENTS.has(t.tokenName) && t.tokenName !== 'ASCII_59');
  return {
    comments: tokens.filter((t) => COMMENTS.has(t.tokenName)).map(span),
    code: code.length === 0 ? null : { start: span(code[0]).start, end: span(code[code.length - 1]).end },
  };
}
