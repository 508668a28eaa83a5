/**
 * One statement in words: its change type, the table it changes and a short description such as
 * "add column status text NOT NULL DEFAULT 'pending' to public.orders". Statements that change
 * nothing in the database (SET, BEGIN/COMMIT, LOCK, SHOW) have no description.
 */
import * as pgQuery from 'libpg-query';
import { list, names, nodeKind, qualifiedFromNames, rangeVarName, unwrap, walk, type Node } from '../analyse/ast';
import type { ParsedStatement } from '../parse/parser';
import { StatementText } from './statement-text';
import type { ChangeType } from './types';

export interface StatementDescription {
  type: ChangeType;
  table: string | null;
  description: string;
}

/** Session and transaction plumbing: not a change to the database. */
const NOT_CHANGES = new Set(['VariableSetStmt', 'VariableShowStmt', 'TransactionStmt', 'LockStmt', 'DiscardStmt', 'CheckPointStmt']);
/** DML and statements that run it: they change rows, not the schema. */
const DATA_KINDS = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt', 'CopyStmt', 'TruncateStmt', 'SelectStmt', 'CallStmt']);
/** Generic descriptions quote at most this many leading words. */
const LEADING_WORDS = 10;

type Describer = (node: Node, text: StatementText) => { table: string | null; description: string };

export function describeStatement(statement: Pick<ParsedStatement, 'sql' | 'kind'>): StatementDescription | null {
  if (NOT_CHANGES.has(statement.kind)) return null;
  // Parsed again on its own, so the tree's locations are offsets into this statement's text.
  const tree = (pgQuery.parseSync(statement.sql).stmts ?? [])[0]?.stmt as Node | undefined;
  const kind = nodeKind(tree) ?? statement.kind;
  const node = (tree?.[kind] ?? {}) as Node;
  const text = new StatementText(statement.sql);
  const { table, description } = (DESCRIBERS[kind] ?? describeGeneric)(node, text);
  return { type: DATA_KINDS.has(kind) ? 'data' : 'schema', table, description };
}

const DESCRIBERS: Record<string, Describer> = {
  CreateStmt: (node) => {
    const table = rangeVarName(node.relation) ?? null;
    const columns = list(node.tableElts).filter((e) => nodeKind(e) === 'ColumnDef').length;
    return { table, description: `create table ${table} (${columns} column${columns === 1 ? '' : 's'})` };
  },
  IndexStmt: (node, text) => {
    const table = rangeVarName(node.relation) ?? null;
    const relation = node.relation as Node | undefined;
    const keys = text.parenthesisedFrom(Number(relation?.location ?? 0)) ?? '';
    const where = node.whereClause ? ` where ${text.afterKeyword('WHERE')}` : '';
    const words = ['create', node.unique ? 'unique' : null, 'index', node.concurrent ? 'concurrently' : null, node.idxname as string | undefined].filter(Boolean);
    return { table, description: `${words.join(' ')} on ${table} ${keys}${where}`.trim() };
  },
  AlterTableStmt: (node, text) => {
    const table = rangeVarName(node.relation) ?? null;
    const parts = list(node.cmds).map((c) => describeAlterCommand(unwrap(c, 'AlterTableCmd') ?? {}, table ?? '?', text));
    return { table, description: parts.join('; ') };
  },
  DropStmt: (node) => {
    const objects = list(node.objects).map((o) => qualifiedFromNames(names(o)) ?? '?');
    const what = objectWord(node.removeType as string);
    const concurrently = node.concurrent ? ' concurrently' : '';
    return { table: objects[0] ?? null, description: `drop ${what}${concurrently} ${objects.join(', ')}` };
  },
  RenameStmt: (node, text) => {
    const table = rangeVarName(node.relation) ?? null;
    const to = node.newname as string;
    switch (node.renameType) {
      case 'OBJECT_COLUMN':
        return { table, description: `rename column ${node.subname as string} to ${to} on ${table}` };
      case 'OBJECT_TABCONSTRAINT':
        return { table, description: `rename constraint ${node.subname as string} to ${to} on ${table}` };
      case 'OBJECT_TABLE':
        return { table, description: `rename table ${table} to ${to}` };
      default:
        return { table, description: `${text.leadingWords(LEADING_WORDS)} to ${to}` };
    }
  },
  UpdateStmt: (node, text) => {
    const table = rangeVarName(node.relation) ?? null;
    const columns = list(node.targetList).map((t) => unwrap(t, 'ResTarget')?.name as string);
    const where = node.whereClause ? ` where ${text.afterKeyword('WHERE')}` : ' (every row)';
    return { table, description: `update ${table} set ${columns.join(', ')}${where}` };
  },
  InsertStmt: (node) => {
    const table = rangeVarName(node.relation) ?? null;
    const select = unwrap(node.selectStmt, 'SelectStmt');
    const rows = list(select?.valuesLists).length;
    return { table, description: rows > 0 ? `insert ${rows} row${rows === 1 ? '' : 's'} into ${table}` : `insert into ${table} from a query` };
  },
  DeleteStmt: (node, text) => {
    const table = rangeVarName(node.relation) ?? null;
    const where = node.whereClause ? ` where ${text.afterKeyword('WHERE')}` : ' (every row)';
    return { table, description: `delete from ${table}${where}` };
  },
  TruncateStmt: (node) => {
    const tables = list(node.relations).map((r) => rangeVarName(r) ?? '?');
    return { table: tables[0] ?? null, description: `truncate ${tables.join(', ')}` };
  },
  CreateTableAsStmt: (node) => {
    const into = unwrap(node.into, 'IntoClause') ?? (node.into as Node | undefined);
    const table = rangeVarName(into?.rel) ?? null;
    const what = node.objtype === 'OBJECT_MATVIEW' ? 'materialized view' : 'table';
    return { table, description: `create ${what} ${table} from a query` };
  },
};

/** One ALTER TABLE subcommand as a phrase that names the table. */
function describeAlterCommand(cmd: Node, table: string, text: StatementText): string {
  const column = cmd.name as string | undefined;
  switch (cmd.subtype) {
    case 'AT_AddColumn': {
      const def = unwrap(cmd.def, 'ColumnDef');
      return `add column ${text.clauseFrom(Number(def?.location ?? 0))} to ${table}`;
    }
    case 'AT_DropColumn':
      return `drop column ${column} from ${table}`;
    case 'AT_AlterColumnType': {
      const typeName = unwrap(cmd.def, 'ColumnDef')?.typeName as Node | undefined;
      return `change column ${column} of ${table} to type ${text.clauseFrom(Number(typeName?.location ?? 0))}`;
    }
    case 'AT_SetNotNull':
      return `set column ${column} of ${table} NOT NULL`;
    case 'AT_DropNotNull':
      return `drop NOT NULL from column ${column} of ${table}`;
    case 'AT_ColumnDefault':
      return cmd.def ? `set the default of column ${column} of ${table}` : `drop the default of column ${column} of ${table}`;
    case 'AT_AddConstraint': {
      const constraint = unwrap(cmd.def, 'Constraint') ?? {};
      const definition = text.clauseFrom(Number(constraint.location ?? 0)).replace(/^CONSTRAINT\s+("(?:[^"]|"")+"|\S+)\s+/i, '');
      const name = constraint.conname ? `${constraint.conname as string} ` : '';
      return `add constraint ${name}${definition} to ${table}`;
    }
    case 'AT_DropConstraint':
      return `drop constraint ${column} from ${table}`;
    case 'AT_ValidateConstraint':
      return `validate constraint ${column} on ${table}`;
    default: {
      // AT_SetStatistics → "set statistics": the subtype names the action well enough.
      const action = String(cmd.subtype ?? 'alter')
        .replace(/^AT_/, '')
        .replace(/([a-z])([A-Z])/g, '$1 $2')
        .toLowerCase();
      return `${action}${column ? ` ${column}` : ''} on ${table}`;
    }
  }
}

/** OBJECT_MATVIEW → "materialized view", OBJECT_INDEX → "index". */
function objectWord(objectType: string | undefined): string {
  if (objectType === 'OBJECT_MATVIEW') return 'materialized view';
  return String(objectType ?? 'OBJECT_OBJECT')
    .replace(/^OBJECT_/, '')
    .replace(/_/g, ' ')
    .toLowerCase();
}

/** Anything else (functions, types, views, extensions, comments, grants): its leading words and the first table it names. */
function describeGeneric(node: Node, text: StatementText): { table: string | null; description: string } {
  let table: string | null = null;
  walk(node, (kind, child) => {
    if (table === null && kind === 'RangeVar') table = rangeVarName(child) ?? null;
  });
  if (table === null && node.relation) table = rangeVarName(node.relation) ?? null;
  return { table, description: text.leadingWords(LEADING_WORDS) };
}
