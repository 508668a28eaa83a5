/**
 * The tables a migration touches, read from the parse trees (every RangeVar), for the size
 * measurements and the pre-flight lock checks. Names are kept as written; the server resolves
 * them with the session's search_path.
 */
import type { ParsedMigration } from '../engine/types';
import type { ParsedStatement } from '../parse/parser';
import { quoteAlways } from '../parse/quote';

export interface RelationName {
  schema: string | null;
  name: string;
}

export function relationsOfMigration(migration: ParsedMigration): RelationName[] {
  return relationsOfStatements(migration.parsed.statements);
}

export function relationsOfStatements(statements: Pick<ParsedStatement, 'ast'>[]): RelationName[] {
  const found = new Map<string, RelationName>();
  for (const statement of statements) collectRangeVars(statement.ast, found);
  return [...found.values()];
}

export function relationsOfMigrations(migrations: ParsedMigration[]): RelationName[] {
  const found = new Map<string, RelationName>();
  for (const m of migrations) for (const r of relationsOfMigration(m)) found.set(displayRelation(r), r);
  return [...found.values()];
}

/** RangeVars appear wrapped ({RangeVar: {...}}) in lists and bare in typed fields (IndexStmt.relation). */
function collectRangeVars(node: unknown, found: Map<string, RelationName>): void {
  if (Array.isArray(node)) {
    for (const item of node) collectRangeVars(item, found);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const rv = node as { schemaname?: string; relname?: unknown; relpersistence?: unknown };
  if (typeof rv.relname === 'string' && rv.relpersistence !== undefined) {
    const relation = { schema: rv.schemaname ?? null, name: rv.relname };
    found.set(displayRelation(relation), relation);
    return;
  }
  for (const value of Object.values(node as Record<string, unknown>)) collectRangeVars(value, found);
}

export function displayRelation(r: RelationName): string {
  return r.schema ? `${r.schema}.${r.name}` : r.name;
}

/** A text the server turns into the relation with to_regclass(): each part quoted as an identifier. */
export function regclassText(r: RelationName): string {
  return r.schema ? `${quoteAlways(r.schema)}.${quoteAlways(r.name)}` : quoteAlways(r.name);
}
