/**
 * Identifier and literal quoting for the SQL drydock writes (rollback statements, the rules' safe
 * alternatives). libpg-query has no deparser in this version, so that SQL is built from names in the
 * parse tree and the catalog, quoted exactly the way PostgreSQL's quote_ident() would: bare only when
 * lower-case, simple and not a reserved word ("Recipient" stays quoted, users does not).
 */
import * as pgQuery from 'libpg-query';

const SIMPLE = /^[a-z_][a-z0-9_$]*$/;
/** Keyword classes that may stand as a bare column or table name (PostgreSQL's quote_identifier). */
const BARE_KEYWORDS = new Set(['NO_KEYWORD', 'UNRESERVED_KEYWORD']);

interface ScanToken {
  keywordName?: string;
}

/** Simple names already asked about: a scan costs ~7 µs, and a lint run quotes the same few tables thousands of times. */
const bareSafe = new Map<string, boolean>();

/** The scanner says which keyword class a word belongs to; needs loadParser() first (like parseSql). */
function isBareSafe(name: string): boolean {
  if (!SIMPLE.test(name)) return false;
  let safe = bareSafe.get(name);
  if (safe === undefined) {
    const tokens = pgQuery.scanSync(name).tokens as ScanToken[];
    safe = tokens.length === 1 && BARE_KEYWORDS.has(tokens[0].keywordName ?? 'NO_KEYWORD');
    bareSafe.set(name, safe);
  }
  return safe;
}

export function quoteIdent(name: string): string {
  return isBareSafe(name) ? name : quoteAlways(name);
}

/** Always quoted ("users"): for SQL only drydock reads (no scanner needed, any name is safe). */
export function quoteAlways(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A "schema.name" relation, each part always quoted: public.users → "public"."users". */
export function quoteRelation(qualified: string): string {
  const dot = qualified.indexOf('.');
  return dot > 0 ? `${quoteAlways(qualified.slice(0, dot))}.${quoteAlways(qualified.slice(dot + 1))}` : quoteAlways(qualified);
}

/** `schema.name`, or `name` alone when the statement left it to search_path. */
export function quoteQualified(schema: string | undefined | null, name: string): string {
  return schema ? `${quoteIdent(schema)}.${quoteIdent(name)}` : quoteIdent(name);
}

/** A dotted name list as written: ["s", "t"] → s.t. */
export function quoteNames(parts: string[]): string {
  return parts.map(quoteIdent).join('.');
}

export function quoteLiteral(value: string): string {
  const escaped = value.replace(/'/g, "''");
  return value.includes('\\') ? `E'${escaped.replace(/\\/g, '\\\\')}'` : `'${escaped}'`;
}
