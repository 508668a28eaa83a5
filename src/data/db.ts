/**
 * The `db` a TypeScript/JavaScript migration receives: `db.query(sql, params)` and the tagged
 * template `` db.sql`UPDATE users SET preferences = ${defaults} WHERE id = ${id}` `` (values become
 * parameters, never text). Every call is recorded with the module's file:line from the call stack,
 * and with its parameters inlined as literals, so the dry run can trace it as a statement and the
 * deploy can store what ran.
 */
import * as pgQuery from 'libpg-query';
import type { ClientBase } from 'pg';
import { performance } from 'node:perf_hooks';
import { SourceText } from '../parse/parser';
import { callSite } from './code-migration';
import { quoteLiteral } from '../parse/quote';

// pg's own conversion of a JavaScript value to its text form (dates, arrays, JSON, buffers), so a
// recorded statement means what the parameterised query meant. The module ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { prepareValue } = require('pg/lib/utils') as { prepareValue(value: unknown): unknown };

export interface DbResult {
  rows: Record<string, unknown>[];
  rowCount: number;
}

export interface MigrationDb {
  query(sql: string, params?: unknown[]): Promise<DbResult>;
  sql(strings: TemplateStringsArray, ...values: unknown[]): Promise<DbResult>;
}

export interface RecordedQuery {
  /** The SQL with its parameters inlined as literals: runnable on its own. */
  sql: string;
  text: string;
  params: unknown[];
  line: number;
  column: number;
  durationMs: number;
  rowCount: number;
}

/** A db that runs every query on `client` and appends it to `recorded`. */
export function recordingDb(client: ClientBase, absPath: string, recorded: RecordedQuery[]): MigrationDb {
  const query = async (text: string, params: unknown[] = [], stack: string): Promise<DbResult> => {
    const site = callSite(stack, absPath) ?? { line: 1, column: 1 };
    const started = performance.now();
    let result;
    try {
      result = await client.query(text, params);
    } catch (error) {
      // The server's error carries no JavaScript stack into the module: say where the query came from.
      if (error && typeof error === 'object') Object.assign(error, { callSite: site });
      throw error;
    }
    const rowCount = result.rowCount ?? 0;
    recorded.push({ sql: inlineParams(text, params), text, params, ...site, durationMs: performance.now() - started, rowCount });
    return { rows: result.rows, rowCount };
  };
  return {
    query: (text, params) => query(text, params, new Error().stack ?? ''),
    sql: (strings, ...values) => query(strings.reduce((sql, part, i) => `${sql}$${i}${part}`), values, new Error().stack ?? ''),
  };
}

/** `$n` parameters (found by the scanner, so never inside strings or comments) replaced by literals. */
export function inlineParams(text: string, params: unknown[]): string {
  if (params.length === 0) return text;
  const source = new SourceText(text);
  const tokens = (pgQuery.scanSync(text).tokens as { start: number; end: number; tokenName: string }[]).filter((t) => t.tokenName === 'PARAM');
  let out = '';
  let at = 0;
  for (const token of tokens) {
    const start = source.charOffset(token.start);
    const end = source.charOffset(token.end);
    out += text.slice(at, start) + literal(params[Number(text.slice(start + 1, end)) - 1]);
    at = end;
  }
  return out + text.slice(at);
}

function literal(value: unknown): string {
  const prepared = prepareValue(value) as string | Buffer | null;
  if (prepared === null || prepared === undefined) return 'NULL';
  if (Buffer.isBuffer(prepared)) return `'\\x${prepared.toString('hex')}'`;
  return quoteLiteral(String(prepared));
}
