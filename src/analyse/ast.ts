/**
 * Small readers for the libpg-query parse tree. The tree is plain JSON (`{ NodeName: {...} }`);
 * these helpers keep the null checks in one place so catalog and rules read like the SQL.
 */
import { quoteNames } from '../parse/quote';

export type Node = Record<string, unknown>;

/** The inner object of a single-key node: unwrap({ RangeVar: x }, 'RangeVar') → x. */
export function unwrap(node: unknown, kind: string): Node | undefined {
  if (!node || typeof node !== 'object') return undefined;
  return (node as Node)[kind] as Node | undefined;
}

export function nodeKind(node: unknown): string | undefined {
  if (!node || typeof node !== 'object') return undefined;
  // The first key, without Object.keys' array: this runs for every statement and sub-node.
  for (const key in node as Node) return key;
  return undefined;
}

export function list(value: unknown): Node[] {
  return Array.isArray(value) ? (value as Node[]) : [];
}

/** `String` nodes of a name list, e.g. funcname or a DropStmt object: ["public", "users"]. */
export function names(value: unknown): string[] {
  const items = unwrap(value, 'List')?.items ?? value;
  const out: string[] = [];
  for (const n of list(items)) {
    const sval = unwrap(n, 'String')?.sval;
    if (typeof sval === 'string') out.push(sval);
  }
  return out;
}

/**
 * Schema-qualified relation name. An unqualified name resolves to "public", except a `pg_…` one:
 * PostgreSQL searches pg_catalog before the search_path, and that is where pg_index, pg_class and
 * the other system catalogs live (an UPDATE of pg_index is not one of public's tables).
 */
export function qualify(schema: string | undefined, name: string): string {
  return `${schema ?? (name.startsWith('pg_') ? 'pg_catalog' : 'public')}.${name}`;
}

/** Name of a RangeVar (either the bare object or `{ RangeVar: … }`). */
export function rangeVarName(rv: unknown): string | undefined {
  const r = (unwrap(rv, 'RangeVar') ?? rv) as Node | undefined;
  if (!r || typeof r.relname !== 'string') return undefined;
  return qualify(r.schemaname as string | undefined, r.relname);
}

/** A dotted name list as a relation: ["s", "t"] → "s.t", ["t"] → "public.t". */
export function qualifiedFromNames(parts: string[]): string | undefined {
  if (parts.length === 0) return undefined;
  const name = parts[parts.length - 1];
  const schema = parts.length >= 2 ? parts[parts.length - 2] : undefined;
  return qualify(schema, name);
}

/** The type name of a TypeName node without the pg_catalog prefix: "int4", "varchar", "serial". */
export function typeNameOf(typeName: unknown): string | undefined {
  const parts = names((typeName as Node | undefined)?.names);
  const last = parts[parts.length - 1];
  return last?.toLowerCase();
}

/** Integer type modifiers, e.g. varchar(20) → [20], numeric(10,2) → [10, 2]. */
export function typeModsOf(typeName: unknown): number[] {
  return list((typeName as Node | undefined)?.typmods).map((m) => {
    const c = unwrap(m, 'A_Const');
    return Number((c?.ival as Node | undefined)?.ival ?? 0);
  });
}

export function isArrayType(typeName: unknown): boolean {
  return list((typeName as Node | undefined)?.arrayBounds).length > 0;
}

/** A type as SQL: "varchar(100)", "numeric(10, 2)", "text[]". */
export function formatType(type: string, typmods: number[], array: boolean): string {
  return `${type}${typmods.length ? `(${typmods.join(', ')})` : ''}${array ? '[]' : ''}`;
}

/**
 * A type name's parts as SQL: a built-in type by its internal name (["pg_catalog", "int4"] → int4),
 * any other as written, quoted where PostgreSQL needs it (["DocumentStatus"] → "DocumentStatus",
 * app.mood). Not typeNameOf, which folds case for comparing.
 */
export function typePartsSql(parts: string[]): string {
  return parts[0] === 'pg_catalog' ? parts[parts.length - 1] : quoteNames(parts);
}

/** A TypeName node as SQL, as written (serial stays serial); undefined for interval fields, whose typmods are a bit mask. */
export function typeSql(typeName: unknown): string | undefined {
  const parts = names((typeName as Node | undefined)?.names);
  if (parts.length === 0) return undefined;
  const typmods = typeModsOf(typeName);
  if (typeNameOf(typeName) === 'interval' && typmods.length > 0) return undefined;
  return formatType(typePartsSql(parts), typmods, isArrayType(typeName));
}

/** Constant text or number of an A_Const (absent ival/boolval fields mean 0/false). */
export function constValue(node: unknown): string | number | boolean | null | undefined {
  const c = unwrap(node, 'A_Const');
  if (!c) return undefined;
  if (c.isnull) return null;
  if (c.sval) return (c.sval as Node).sval as string;
  if (c.ival) return Number((c.ival as Node).ival ?? 0);
  if (c.fval) return Number((c.fval as Node).fval);
  if (c.boolval) return Boolean((c.boolval as Node).boolval);
  return undefined;
}

/**
 * Visit every node object in a tree (depth first), e.g. to collect RangeVars or FuncCalls. A visitor
 * that returns false skips the node's children (for node kinds that cannot hold what it looks for).
 */
export function walk(tree: unknown, visit: (kind: string, node: Node) => boolean | void): void {
  if (tree !== null && typeof tree === 'object') walkValue(tree as Node | unknown[], visit);
}

function walkValue(tree: Node | unknown[], visit: (kind: string, node: Node) => boolean | void): void {
  // Indexed loops and no calls for scalar fields: statements of views and backfills have thousands
  // of nodes, and this runs mostly before the optimising compiler has seen it.
  if (Array.isArray(tree)) {
    for (let i = 0; i < tree.length; i++) {
      const item = tree[i];
      if (item !== null && typeof item === 'object') walkValue(item as Node | unknown[], visit);
    }
    return;
  }
  for (const key in tree) {
    const value = tree[key];
    if (value === null || typeof value !== 'object') continue;
    // Parse-node names start with a capital letter; field names do not.
    const first = key.charCodeAt(0);
    if (first >= 65 && first <= 90 && !Array.isArray(value) && visit(key, value as Node) === false) continue;
    walkValue(value as Node | unknown[], visit);
  }
}
