/** Columns a statement defines (CREATE TABLE, ADD COLUMN, ALTER COLUMN TYPE), for the type rules. */
import { Node, list, names, rangeVarName, typeModsOf, typeNameOf, unwrap } from '../ast';

export interface DefinedColumn {
  table: string;
  column: string;
  type: string;
  typmods: number[];
  primaryKey: boolean;
  identity: boolean;
}

/** Several type rules read the same statement: compute its columns once. */
const cache = new WeakMap<object, DefinedColumn[]>();

export function definedColumns(ast: Record<string, unknown>): DefinedColumn[] {
  let columns = cache.get(ast);
  if (!columns) {
    columns = collectColumns(ast);
    cache.set(ast, columns);
  }
  return columns;
}

function collectColumns(ast: Record<string, unknown>): DefinedColumn[] {
  const create = unwrap(ast, 'CreateStmt');
  if (create) {
    const table = rangeVarName(create.relation) ?? '?';
    const pkKeys = new Set<string>();
    for (const elt of list(create.tableElts)) {
      const c = unwrap(elt, 'Constraint');
      if (c?.contype === 'CONSTR_PRIMARY') for (const k of names(c.keys)) pkKeys.add(k);
    }
    return list(create.tableElts)
      .map((elt) => unwrap(elt, 'ColumnDef'))
      .filter((d): d is Node => Boolean(d))
      .map((d) => fromColumnDef(table, d, pkKeys));
  }
  const alter = unwrap(ast, 'AlterTableStmt');
  if (!alter) return [];
  const table = rangeVarName(alter.relation) ?? '?';
  const out: DefinedColumn[] = [];
  for (const item of list(alter.cmds)) {
    const cmd = unwrap(item, 'AlterTableCmd');
    const def = unwrap(cmd?.def, 'ColumnDef');
    if (!cmd || !def) continue;
    if (cmd.subtype === 'AT_AddColumn') out.push(fromColumnDef(table, def, new Set()));
    if (cmd.subtype === 'AT_AlterColumnType') out.push({ ...fromColumnDef(table, def, new Set()), column: cmd.name as string });
  }
  return out;
}

function fromColumnDef(table: string, def: Node, pkKeys: Set<string>): DefinedColumn {
  const constraints = list(def.constraints).map((c) => unwrap(c, 'Constraint') ?? {});
  const column = def.colname as string;
  return {
    table,
    column,
    type: typeNameOf(def.typeName) ?? 'unknown',
    typmods: typeModsOf(def.typeName),
    primaryKey: pkKeys.has(column) || constraints.some((c) => c.contype === 'CONSTR_PRIMARY'),
    identity: constraints.some((c) => c.contype === 'CONSTR_IDENTITY'),
  };
}
