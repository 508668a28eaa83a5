/**
 * Pieces of one statement's own text, cut at the parser's token boundaries. libpg-query has no
 * deparser, so a description quotes the author's SQL ("status text NOT NULL DEFAULT 'pending'")
 * instead of rebuilding it from the tree. Offsets are UTF-8 byte offsets into the statement, as
 * the parser reports them when the statement is parsed on its own.
 */
import * as pgQuery from 'libpg-query';

interface Token {
  start: number;
  end: number;
  text: string;
  tokenName: string;
}

const COMMENT_TOKENS = new Set(['SQL_COMMENT', 'C_COMMENT']);

export class StatementText {
  private readonly bytes: Buffer;
  private readonly tokens: Token[];

  /** Needs loadParser() first (like parseSql). */
  constructor(sql: string) {
    this.bytes = Buffer.from(sql, 'utf8');
    this.tokens = (pgQuery.scanSync(sql).tokens as Token[]).filter((t) => !COMMENT_TOKENS.has(t.tokenName));
  }

  /** From the token at `from` to the next comma outside parentheses (or the end): one ALTER TABLE subcommand, one column. */
  clauseFrom(from: number): string {
    const first = this.tokens.findIndex((t) => t.start >= from);
    if (first === -1) return '';
    let depth = 0;
    let last = first;
    for (let i = first; i < this.tokens.length; i++) {
      const text = this.tokens[i].text;
      if (text === '(') depth++;
      else if (text === ')') {
        if (depth === 0) break;
        depth--;
      } else if (depth === 0 && (text === ',' || text === ';')) break;
      last = i;
    }
    return this.join(first, last);
  }

  /** The first parenthesised list at or after `from`, with its parentheses: "(status)". */
  parenthesisedFrom(from: number): string | null {
    const open = this.tokens.findIndex((t) => t.start >= from && t.text === '(');
    if (open === -1) return null;
    let depth = 0;
    for (let i = open; i < this.tokens.length; i++) {
      if (this.tokens[i].text === '(') depth++;
      else if (this.tokens[i].text === ')' && --depth === 0) return this.join(open, i);
    }
    return null;
  }

  /** Everything after the first top-level keyword `word` (e.g. WHERE), or null when it is absent. */
  afterKeyword(word: string): string | null {
    let depth = 0;
    for (let i = 0; i < this.tokens.length - 1; i++) {
      const text = this.tokens[i].text;
      if (text === '(') depth++;
      else if (text === ')') depth--;
      else if (depth === 0 && text.toUpperCase() === word) return this.join(i + 1, this.tokens.length - 1).replace(/\s*;$/, '');
    }
    return null;
  }

  /** The leading words, up to the first parenthesis, AS/IS or `limit` tokens: "create extension if not exists pgcrypto". */
  leadingWords(limit: number): string {
    const words: string[] = [];
    for (const t of this.tokens) {
      if (words.length >= limit || t.text === '(' || t.text === ';' || /^(AS|IS)$/i.test(t.text)) break;
      // Keywords read as prose in lower case; names keep the author's spelling.
      words.push(t.tokenName === 'IDENT' || t.tokenName === 'SCONST' ? t.text : t.text.toLowerCase());
    }
    return words.join(' ').replace(/ \. /g, '.').replace(/ \./g, '.').replace(/\. /g, '.');
  }

  /**
   * Tokens first..last as written, with any whitespace or comment between two of them shown as
   * one space: "varchar(20)" stays as it is, a comment or a line break inside the clause does not.
   */
  private join(first: number, last: number): string {
    let out = '';
    for (let i = first; i <= last; i++) {
      const token = this.tokens[i];
      if (i > first && token.start > this.tokens[i - 1].end) out += ' ';
      out += this.bytes.subarray(token.start, token.end).toString('utf8');
    }
    return out;
  }
}
