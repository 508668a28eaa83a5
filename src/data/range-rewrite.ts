/**
 * Turns a batched UPDATE/DELETE into its per-batch form by AND-ing a key-range predicate onto the
 * statement's own WHERE. The WHERE and RETURNING keywords are located with the PostgreSQL scanner
 * at parenthesis depth 0, so subqueries, strings and comments in the statement are never touched;
 * the result is parsed again to prove it is still the same single-table statement.
 */
import * as pgQuery from 'libpg-query';
import type { ParsedStatement } from '../parse/parser';
import { SourceText } from '../parse/parser';
import { quoteIdent, quoteLiteral } from '../parse/quote';
import { DrydockError } from '../util/errors';
import type { BatchDirective } from './directive';

export interface BatchTarget {
  /** The table as written, quoted for SQL where needed: public.users, "Recipient". */
  table: string;
  /** The name the statement refers to the table by (its alias, else the table name), quoted where needed. */
  ref: string;
  /** The key column, quoted where needed. */
  key: string;
}

export interface RangeRewriter {
  target: BatchTarget;
  /** The statement limited to keys in (lower, upper]; lower null = from the start. Bounds are key values as text. */
  batchSql(lower: string | null, upper: string): string;
  /** The upper bound and key count of the next batch after `lower`: one index range scan. */
  boundarySql(lower: string | null, size: number): string;
}

type Node = Record<string, unknown>;
interface Token {
  start: number;
  end: number;
  tokenName: string;
}

/** Throws a DrydockError naming path:line when the statement cannot be batched by key range. */
export function rangeRewriter(statement: ParsedStatement, directive: BatchDirective, path: string): RangeRewriter {
  const position = { path, line: statement.line, column: statement.column };
  const node = (statement.ast.UpdateStmt ?? statement.ast.DeleteStmt) as Node | undefined;
  if (!node) {
    throw new DrydockError(`drydock:batch applies to a single-table UPDATE or DELETE, not ${statement.kind}`, {
      position,
      fix: 'remove the directive, or batch an UPDATE/DELETE of one table (INSERT … SELECT backfills: UPDATE the target rows instead)',
    });
  }
  const others = (node.fromClause ?? node.usingClause) as Node[] | undefined;
  if (others && others.length > 0) {
    throw new DrydockError('drydock:batch needs a single-table statement: this one joins other tables (FROM/USING)', {
      position,
      fix: 'rewrite the join as a correlated subquery in SET/WHERE, so the batches can walk the target table alone',
    });
  }
  if (JSON.stringify(node.whereClause ?? null).includes('CurrentOfExpr')) {
    throw new DrydockError('drydock:batch cannot batch WHERE CURRENT OF', { position, fix: 'use a key predicate instead of a cursor' });
  }
  const relation = node.relation as Node & { relname: string; schemaname?: string; alias?: { aliasname: string } };
  const table = relation.schemaname ? `${quoteIdent(relation.schemaname)}.${quoteIdent(relation.relname)}` : quoteIdent(relation.relname);
  const target: BatchTarget = { table, ref: quoteIdent(relation.alias?.aliasname ?? relation.relname), key: quoteIdent(directive.key) };
  const { whereEnd, conditionEnd } = clausePositions(statement.sql);
  const column = `${target.ref}.${target.key}`;
  const range = (lower: string | null, upper: string) =>
    `${lower === null ? '' : `${column} > ${quoteLiteral(lower)} AND `}${column} <= ${quoteLiteral(upper)}`;
  const sql = statement.sql;

  const rewriter: RangeRewriter = {
    target,
    batchSql(lower, upper) {
      if (whereEnd === null) return `${sql.slice(0, conditionEnd).trimEnd()} WHERE ${range(lower, upper)}${suffix(sql, conditionEnd)}`;
      return `${sql.slice(0, whereEnd)} (${sql.slice(whereEnd, conditionEnd).trim()}) AND ${range(lower, upper)}${suffix(sql, conditionEnd)}`;
    },
    boundarySql(lower, size) {
      const after = lower === null ? '' : ` WHERE ${target.key} > ${quoteLiteral(lower)}`;
      return `SELECT max(k)::text AS upper, count(*)::int AS keys FROM (SELECT ${target.key} AS k FROM ${table}${after} ORDER BY ${target.key} LIMIT ${size}) AS next_batch`;
    },
  };
  assertSameStatement(rewriter.batchSql('0', '1'), statement, position);
  return rewriter;
}

function suffix(sql: string, at: number): string {
  return at < sql.length ? ` ${sql.slice(at).trimStart()}` : '';
}

/** Offsets (in the statement text) just after WHERE, and where the condition ends (RETURNING or the end). */
function clausePositions(sql: string): { whereEnd: number | null; conditionEnd: number } {
  const source = new SourceText(sql);
  let depth = 0;
  let whereEnd: number | null = null;
  let conditionEnd = sql.length;
  for (const token of pgQuery.scanSync(sql).tokens as Token[]) {
    if (token.tokenName === 'ASCII_40') depth++;
    else if (token.tokenName === 'ASCII_41') depth--;
    if (depth !== 0 || token.tokenName !== 'UNKNOWN') continue;
    const start = source.charOffset(token.start);
    const end = source.charOffset(token.end);
    const word = sql.slice(start, end).toUpperCase();
    // The last top-level WHERE is the statement's own (a WITH query before it is parenthesised).
    if (word === 'WHERE') whereEnd = end;
    if (word === 'RETURNING') conditionEnd = start;
  }
  return { whereEnd, conditionEnd };
}

function assertSameStatement(rewritten: string, original: ParsedStatement, position: { path: string; line: number; column: number }): void {
  let stmts: { stmt: Node }[];
  try {
    stmts = pgQuery.parseSync(rewritten).stmts as { stmt: Node }[];
  } catch (error) {
    throw new DrydockError(`drydock:batch could not add the key range to this statement: ${(error as Error).message}`, {
      position,
      fix: 'simplify the statement (a plain UPDATE … SET … WHERE …), or report the statement to drydock',
    });
  }
  if (stmts.length !== 1 || Object.keys(stmts[0].stmt)[0] !== original.kind) {
    throw new DrydockError('drydock:batch could not add the key range to this statement', { position, fix: 'simplify the statement' });
  }
}
