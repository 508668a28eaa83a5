/**
 * What the analyser knows about the database while it walks the migrations in apply order:
 * tables, their columns, indexes, constraints and foreign keys, and whether a table was created
 * by the change under review (then it is empty and no running code uses it, so locking,
 * indexing or rewriting it harms nobody).
 */
import { IndexRegistry } from './index-registry';
import { formatType, isArrayType, Node, list, names, nodeKind, qualifiedFromNames, qualify, rangeVarName, typeModsOf, typeNameOf, typePartsSql, unwrap, walk } from './ast';

export interface ColumnState {
  /** The type's internal name, lower case, for comparing (`int4`, `varchar`, `documentstatus`). */
  type: string;
  /** The type's name as written (["pg_catalog", "int4"], ["DocumentStatus"]): what suggested SQL writes, quoted when it is. */
  typeName: string[];
  typmods: number[];
  /** An array of `type` (text[]). */
  array: boolean;
  notNull: boolean;
}

/**
 * The column's type as SQL (`varchar(255)`, `int8`, `text[]`), or null when the model does not know
 * it well enough to write: an unknown type, or interval fields (their typmods are a bit mask).
 */
export function columnTypeSql(c: ColumnState): string | null {
  if (c.type === 'unknown' || (c.type === 'interval' && c.typmods.length > 0)) return null;
  return formatType(typePartsSql(c.typeName), c.typmods, c.array);
}

export interface ConstraintState {
  kind: 'check' | 'foreign' | 'unique' | 'primary' | 'notnull' | 'exclusion' | 'other';
  valid: boolean;
  /** For a CHECK (col IS NOT NULL) or a NOT NULL constraint: the column it proves non-null. */
  notNullColumn?: string;
  /** For a foreign key: the referenced table. */
  references?: string;
}

export type RelationKind = 'table' | 'view' | 'materialized view';

export interface TableState {
  name: string;
  kind: RelationKind;
  /** Created by a new migration of the change under review: empty, invisible to running code. */
  fresh: boolean;
  /** A fresh table filled from existing data (CREATE TABLE AS, INSERT … SELECT): work on it takes time. */
  populated: boolean;
  columns: Map<string, ColumnState>;
  constraints: Map<string, ConstraintState>;
  partitionOf?: string;
}

export class SchemaState {
  readonly tables = new Map<string, TableState>();
  /** Index name → table name. */
  readonly indexes = new IndexRegistry();
  /** Tables created fresh since the last settle(), so settling does not visit the whole schema. */
  private readonly freshTables = new Set<TableState>();

  table(name: string | undefined): TableState | undefined {
    return name ? this.tables.get(name) : undefined;
  }

  /** True when the table was created by the change under review (see TableState.fresh). */
  isFresh(name: string | undefined): boolean {
    return this.table(name)?.fresh === true;
  }

  /** Table an index belongs to, by the index's (possibly unqualified) name. */
  indexTable(indexName: string): string | undefined {
    return this.indexes.get(indexName);
  }

  indexesOf(table: string): string[] {
    return this.indexes.of(table);
  }

  /** Tables the table's foreign keys reference (other than itself). */
  referencedBy(table: string): string[] {
    const t = this.tables.get(table);
    if (!t) return [];
    const refs = new Set<string>();
    for (const c of t.constraints.values()) if (c.kind === 'foreign' && c.references && c.references !== table) refs.add(c.references);
    return [...refs];
  }

  /** A valid constraint proves the column non-null (PG 12+ skips SET NOT NULL's scan). */
  hasValidNotNullProof(table: string, column: string): boolean {
    const t = this.tables.get(table);
    if (!t) return false;
    for (const c of t.constraints.values()) if (c.valid && c.notNullColumn === column) return true;
    return false;
  }

  /** Fresh but holding copied rows: nobody waits on it, yet scanning or rewriting it is slow. */
  isPopulated(name: string | undefined): boolean {
    const t = this.table(name);
    return t?.fresh === true && t.populated;
  }

  /** Forget freshness: the tables now exist in production (end of a change in per-migration mode). */
  settle(): void {
    for (const t of this.freshTables) t.fresh = false;
    this.freshTables.clear();
  }

  /** Update the model with the effect of one statement. */
  apply(ast: Node, fresh: boolean): void {
    const kind = nodeKind(ast);
    if (kind === undefined) return;
    const node = ast[kind] as Node;
    switch (kind) {
      case 'CreateStmt':
        return this.createTable(node, fresh);
      case 'CreateTableAsStmt': {
        const name = rangeVarName((node.into as Node | undefined)?.rel);
        if (name) this.addRelation(name, node.objtype === 'OBJECT_MATVIEW' ? 'materialized view' : 'table', fresh).populated = !(node.into as Node).skipData;
        return;
      }
      case 'InsertStmt': {
        const t = this.table(rangeVarName(node.relation));
        if (t?.fresh && unwrap(node.selectStmt, 'SelectStmt')?.fromClause) t.populated = true;
        return;
      }
      case 'ViewStmt': {
        const name = rangeVarName(node.view);
        if (name && !this.tables.has(name)) this.addRelation(name, 'view', fresh);
        return;
      }
      case 'IndexStmt': {
        const table = rangeVarName(node.relation);
        if (!table) return;
        const schema = table.split('.')[0];
        const idx = node.idxname ? qualify(schema, node.idxname as string) : defaultIndexName(table, node);
        this.indexes.set(idx, table);
        return;
      }
      case 'DropStmt':
        return this.drop(node);
      case 'RenameStmt':
        return this.rename(node);
      case 'AlterTableStmt':
        return this.alterTable(node, fresh);
      default:
        return;
    }
  }

  private addRelation(name: string, kind: RelationKind, fresh: boolean): TableState {
    const t: TableState = { name, kind, fresh, populated: false, columns: new Map(), constraints: new Map() };
    this.tables.set(name, t);
    if (fresh) this.freshTables.add(t);
    return t;
  }

  private createTable(node: Node, fresh: boolean): void {
    const name = rangeVarName(node.relation);
    if (!name) return;
    if (node.if_not_exists && this.tables.has(name)) return;
    const t = this.addRelation(name, 'table', fresh);
    if (node.partbound) t.partitionOf = rangeVarName(list(node.inhRelations)[0]);
    for (const elt of list(node.tableElts)) {
      const col = unwrap(elt, 'ColumnDef');
      if (col) this.addColumn(t, col);
      const con = unwrap(elt, 'Constraint');
      if (con) this.addConstraint(t, con);
    }
  }

  private addColumn(t: TableState, col: Node): void {
    const colname = col.colname as string;
    const constraints = list(col.constraints).map((c) => unwrap(c, 'Constraint')!).filter(Boolean);
    const notNull = constraints.some((c) => c.contype === 'CONSTR_NOTNULL' || c.contype === 'CONSTR_PRIMARY');
    t.columns.set(colname, { ...columnType(col.typeName), typmods: typeModsOf(col.typeName), array: isArrayType(col.typeName), notNull });
    for (const c of constraints) {
      if (c.contype === 'CONSTR_FOREIGN') {
        const references = rangeVarName(c.pktable);
        t.constraints.set(constraintName(t.name, c, colname), { kind: 'foreign', valid: !c.skip_validation, references });
      }
      if (c.contype === 'CONSTR_PRIMARY' || c.contype === 'CONSTR_UNIQUE') {
        this.indexes.set(qualify(t.name.split('.')[0], constraintName(t.name, c, colname)), t.name);
      }
    }
  }

  private addConstraint(t: TableState, c: Node): void {
    const contype = c.contype as string;
    const keys = names(c.keys);
    const valid = !c.skip_validation;
    const name = constraintName(t.name, c);
    switch (contype) {
      case 'CONSTR_CHECK':
        t.constraints.set(name, { kind: 'check', valid, notNullColumn: isNotNullCheck(c.raw_expr) });
        return;
      case 'CONSTR_NOTNULL':
        t.constraints.set(name, { kind: 'notnull', valid, notNullColumn: keys[0] });
        if (valid && keys[0] && t.columns.has(keys[0])) t.columns.get(keys[0])!.notNull = true;
        return;
      case 'CONSTR_FOREIGN':
        t.constraints.set(name, {
          kind: 'foreign',
          valid,
          references: rangeVarName(c.pktable),
        });
        return;
      case 'CONSTR_PRIMARY':
      case 'CONSTR_UNIQUE': {
        t.constraints.set(name, { kind: contype === 'CONSTR_PRIMARY' ? 'primary' : 'unique', valid: true });
        this.indexes.set(qualify(t.name.split('.')[0], (c.indexname as string) ?? name), t.name);
        if (contype === 'CONSTR_PRIMARY') for (const k of keys) if (t.columns.has(k)) t.columns.get(k)!.notNull = true;
        return;
      }
      default:
        t.constraints.set(name, { kind: contype === 'CONSTR_EXCLUSION' ? 'exclusion' : 'other', valid });
    }
  }

  private drop(node: Node): void {
    const type = node.removeType as string;
    for (const obj of list(node.objects)) {
      const name = qualifiedFromNames(names(obj));
      if (!name) continue;
      if (type === 'OBJECT_TABLE' || type === 'OBJECT_VIEW' || type === 'OBJECT_MATVIEW') {
        this.tables.delete(name);
        for (const idx of this.indexesOf(name)) this.indexes.delete(idx);
      } else if (type === 'OBJECT_INDEX') {
        this.indexes.delete(name);
      }
    }
  }

  private rename(node: Node): void {
    const from = rangeVarName(node.relation);
    const newname = node.newname as string;
    if (!from) return;
    const schema = from.split('.')[0];
    switch (node.renameType) {
      case 'OBJECT_TABLE':
      case 'OBJECT_VIEW':
      case 'OBJECT_MATVIEW': {
        const t = this.tables.get(from);
        if (!t) return;
        this.tables.delete(from);
        t.name = qualify(schema, newname);
        this.tables.set(t.name, t);
        for (const idx of this.indexes.of(from)) this.indexes.set(idx, t.name);
        return;
      }
      case 'OBJECT_INDEX': {
        const table = this.indexes.get(from);
        if (!table) return;
        this.indexes.delete(from);
        this.indexes.set(qualify(schema, newname), table);
        return;
      }
      case 'OBJECT_COLUMN': {
        const t = this.tables.get(from);
        const col = t?.columns.get(node.subname as string);
        if (!t || !col) return;
        t.columns.delete(node.subname as string);
        t.columns.set(newname, col);
        return;
      }
      default:
        return;
    }
  }

  private alterTable(node: Node, fresh: boolean): void {
    const name = rangeVarName(node.relation);
    const t = this.table(name);
    if (!t) return;
    for (const item of list(node.cmds)) {
      const cmd = unwrap(item, 'AlterTableCmd');
      if (!cmd) continue;
      const col = cmd.name as string | undefined;
      switch (cmd.subtype) {
        case 'AT_AddColumn': {
          const def = unwrap(cmd.def, 'ColumnDef');
          if (def) this.addColumn(t, def);
          break;
        }
        case 'AT_DropColumn':
          if (col) t.columns.delete(col);
          break;
        case 'AT_AlterColumnType': {
          const def = unwrap(cmd.def, 'ColumnDef');
          const c = col ? t.columns.get(col) : undefined;
          if (def && c) {
            Object.assign(c, columnType(def.typeName));
            c.typmods = typeModsOf(def.typeName);
            c.array = isArrayType(def.typeName);
          }
          break;
        }
        case 'AT_SetNotNull':
          if (col && t.columns.has(col)) t.columns.get(col)!.notNull = true;
          break;
        case 'AT_DropNotNull':
          if (col && t.columns.has(col)) t.columns.get(col)!.notNull = false;
          break;
        case 'AT_AddConstraint': {
          const c = unwrap(cmd.def, 'Constraint');
          if (c) this.addConstraint(t, c);
          break;
        }
        case 'AT_ValidateConstraint': {
          const c = col ? t.constraints.get(col) : undefined;
          if (c) c.valid = true;
          break;
        }
        case 'AT_DropConstraint':
          if (col) t.constraints.delete(col);
          break;
        default:
          break;
      }
    }
    // A table created in this change stays fresh; otherwise nothing changes its freshness.
    t.fresh = t.fresh && fresh;
  }
}

/**
 * The name a constraint has: its own, or the one PostgreSQL chooses for it — <table>_<columns>_fkey,
 * _key, _pkey, <table>_<column>_not_null, and <table>_<column>_check when the CHECK reads exactly
 * one column (<table>_check otherwise). `column`: the column a column-level constraint sits on.
 */
export function constraintName(table: string, c: Node, column?: string): string {
  if (typeof c.conname === 'string') return c.conname;
  const bare = table.split('.')[1] ?? table;
  const keys = names(c.contype === 'CONSTR_FOREIGN' ? c.fk_attrs : c.keys);
  const columns = keys.length > 0 ? keys : column ? [column] : [];
  switch (c.contype) {
    case 'CONSTR_CHECK': {
      const read = new Set<string>();
      walk(c.raw_expr, (kind, node) => {
        const name = kind === 'ColumnRef' ? names(node.fields).pop() : undefined;
        if (name) read.add(name);
      });
      return read.size === 1 ? `${bare}_${[...read][0]}_check` : `${bare}_check`;
    }
    case 'CONSTR_NOTNULL':
      return `${bare}_${columns[0]}_not_null`;
    case 'CONSTR_FOREIGN':
      return `${bare}_${columns.join('_')}_fkey`;
    case 'CONSTR_PRIMARY':
      return `${bare}_pkey`;
    case 'CONSTR_UNIQUE':
      return `${bare}_${columns.join('_')}_key`;
    default:
      return `${bare}_${c.contype as string}`;
  }
}

/** serial is not a type: PostgreSQL stores the integer type it expands to. */
const SERIAL_TYPES: Record<string, string> = { serial: 'int4', serial4: 'int4', bigserial: 'int8', serial8: 'int8', smallserial: 'int2', serial2: 'int2' };

/** The stored type of a column definition's TypeName, for comparing and as SQL. */
function columnType(typeName: unknown): Pick<ColumnState, 'type' | 'typeName'> {
  const type = typeNameOf(typeName);
  if (!type) return { type: 'unknown', typeName: ['unknown'] };
  const serial = SERIAL_TYPES[type];
  return serial ? { type: serial, typeName: [serial] } : { type, typeName: names((typeName as Node).names) };
}

/** PostgreSQL's default name for an unnamed index: table_col1_col2_idx (or _key for UNIQUE). */
function defaultIndexName(table: string, node: Node): string {
  const [schema, bare] = table.split('.');
  const cols = list(node.indexParams)
    .map((p) => unwrap(p, 'IndexElem')?.name as string | undefined)
    .map((n) => n ?? 'expr');
  return qualify(schema, `${bare}_${cols.join('_')}_${node.unique ? 'key' : 'idx'}`);
}

/** `CHECK (col IS NOT NULL)` → "col". */
function isNotNullCheck(expr: unknown): string | undefined {
  const test = unwrap(expr, 'NullTest');
  if (!test || test.nulltesttype !== 'IS_NOT_NULL') return undefined;
  const fields = names(unwrap(test.arg, 'ColumnRef')?.fields);
  return fields[fields.length - 1];
}
