/** Lock effects of every statement kind other than ALTER TABLE (postgres-locks.md §2 D–F). */
import type { LockMode } from '../../report/types';
import { Node, list, names, nodeKind, qualifiedFromNames, qualify, rangeVarName, unwrap, walk } from '../ast';
import { alterTableEffects } from './alter-table';
import type { Effect, PredictContext } from './effects';
import { lockModeFromNumber } from './modes';

const AE: LockMode = 'AccessExclusiveLock';
const SUE: LockMode = 'ShareUpdateExclusiveLock';

export interface StatementEffects {
  effects: Effect[];
  created: string[];
  opaque: boolean;
}

const none = (): StatementEffects => ({ effects: [], created: [], opaque: false });

export function statementEffects(ast: Node, ctx: PredictContext): StatementEffects {
  const kind = nodeKind(ast);
  const node = ((kind === undefined ? undefined : ast[kind]) ?? {}) as Node;
  const result = none();
  const add = (e: Effect) => result.effects.push(e);
  switch (kind) {
    case 'AlterTableStmt':
      result.effects = alterTableEffects(node, ctx);
      break;
    case 'CreateStmt':
      createTable(node, ctx, result);
      break;
    case 'IndexStmt': {
      const table = rangeVarName(node.relation);
      if (!table) break;
      const concurrent = node.concurrent === true;
      add({ code: concurrent ? 'create-index-concurrently' : 'create-index', relation: table, mode: concurrent ? SUE : 'ShareLock', scan: true, relkind: 'table', detail: node.idxname as string | undefined });
      if (node.idxname) result.created.push(qualify(table.split('.')[0], node.idxname as string));
      break;
    }
    case 'DropStmt':
      dropEffects(node, ctx, result);
      break;
    case 'RenameStmt':
      renameEffects(node, ctx, result);
      break;
    case 'ReindexStmt':
      reindexEffects(node, ctx, result);
      break;
    case 'VacuumStmt': {
      const options = list(node.options).map((o) => String(unwrap(o, 'DefElem')?.defname ?? ''));
      const full = options.includes('full') && node.is_vacuumcmd === true;
      for (const rel of list(node.rels)) {
        const table = rangeVarName(unwrap(rel, 'VacuumRelation')?.relation);
        if (!table) continue;
        if (full) add({ code: 'vacuum-full', relation: table, mode: AE, rewrite: 'table', scan: true, relkind: 'table' });
        else add({ code: node.is_vacuumcmd ? 'vacuum' : 'analyze', relation: table, mode: SUE, scan: true, relkind: 'table' });
      }
      break;
    }
    case 'ClusterStmt': {
      const table = rangeVarName(node.relation);
      if (table) add({ code: 'cluster', relation: table, mode: AE, rewrite: 'table', scan: true, relkind: 'table' });
      break;
    }
    case 'TruncateStmt':
      for (const rel of list(node.relations)) {
        const table = rangeVarName(rel);
        if (table) add({ code: 'truncate', relation: table, mode: AE, rewrite: 'table', relkind: 'table' });
      }
      break;
    case 'LockStmt':
      for (const rel of list(node.relations)) {
        const table = rangeVarName(rel);
        if (table) add({ code: 'lock-table', relation: table, mode: lockModeFromNumber(Number(node.mode ?? 8)), relkind: 'table' });
      }
      break;
    case 'RefreshMatViewStmt': {
      const view = rangeVarName(node.relation);
      if (!view) break;
      if (node.concurrent) add({ code: 'refresh-materialized-view-concurrently', relation: view, mode: 'ExclusiveLock', scan: true, relkind: 'materialized view' });
      else add({ code: 'refresh-materialized-view', relation: view, mode: AE, rewrite: 'table', scan: true, relkind: 'materialized view' });
      break;
    }
    case 'CreateTrigStmt': {
      const table = rangeVarName(node.relation);
      if (table) add({ code: 'create-trigger', relation: table, mode: 'ShareRowExclusiveLock', relkind: 'table' });
      break;
    }
    case 'CreatePolicyStmt':
    case 'AlterPolicyStmt': {
      const table = rangeVarName(node.table);
      if (table) add({ code: 'policy', relation: table, mode: AE, relkind: 'table' });
      break;
    }
    case 'CommentStmt':
      commentEffects(node, result);
      break;
    case 'CreateStatsStmt':
      for (const rel of list(node.relations)) {
        const table = rangeVarName(rel);
        if (table) add({ code: 'create-statistics', relation: table, mode: SUE, relkind: 'table' });
      }
      break;
    case 'InsertStmt':
    case 'UpdateStmt':
    case 'DeleteStmt':
    case 'MergeStmt':
      dmlEffects(kind, node, ctx, result);
      break;
    case 'SelectStmt':
      result.opaque = queryEffects(node, undefined, result);
      break;
    case 'ViewStmt': {
      const view = rangeVarName(node.view);
      if (view && node.replace && ctx.schema.table(view)) add({ code: 'replace-view', relation: view, mode: AE, relkind: 'view' });
      else if (view) result.created.push(view);
      queryEffects(node.query, view, result);
      break;
    }
    case 'CreateTableAsStmt': {
      const target = rangeVarName((node.into as Node | undefined)?.rel);
      if (target) result.created.push(target);
      queryEffects(node.query, target, result);
      break;
    }
    case 'DoStmt':
      result.opaque = true;
      break;
    case 'AlterDomainStmt':
      // ALTER DOMAIN … ADD CONSTRAINT takes SHARE on every table using the domain: unknown statically.
      result.opaque = node.subtype === 'C';
      break;
    default:
      break;
  }
  return result;
}

function createTable(node: Node, ctx: PredictContext, result: StatementEffects): void {
  const table = rangeVarName(node.relation);
  if (!table) return;
  if (node.if_not_exists && ctx.schema.table(table)) return;
  result.created.push(table);
  if (node.partbound) {
    const parent = rangeVarName(list(node.inhRelations)[0]);
    if (parent) result.effects.push({ code: 'create-partition', relation: parent, mode: AE, relkind: 'table' });
  } else {
    for (const parentRv of list(node.inhRelations)) {
      const parent = rangeVarName(parentRv);
      if (parent) result.effects.push({ code: 'create-table-inherits', relation: parent, mode: SUE, relkind: 'table' });
    }
  }
  const referenced = new Set<string>();
  const collect = (c: Node | undefined) => {
    const parent = c?.contype === 'CONSTR_FOREIGN' ? rangeVarName(c.pktable) : undefined;
    if (parent && parent !== table) referenced.add(parent);
  };
  for (const elt of list(node.tableElts)) {
    const col = unwrap(elt, 'ColumnDef');
    for (const c of list(col?.constraints)) collect(unwrap(c, 'Constraint'));
    collect(unwrap(elt, 'Constraint'));
    const like = rangeVarName(unwrap(elt, 'TableLikeClause')?.relation);
    if (like) result.effects.push({ code: 'create-table-like', relation: like, mode: 'AccessShareLock', relkind: 'table' });
  }
  for (const parent of referenced) result.effects.push({ code: 'create-table-fk-parent', relation: parent, mode: 'ShareRowExclusiveLock', relkind: 'table' });
}

function dropEffects(node: Node, ctx: PredictContext, result: StatementEffects): void {
  const type = node.removeType as string;
  for (const obj of list(node.objects)) {
    const parts = names(obj);
    const name = qualifiedFromNames(parts);
    if (!name) continue;
    switch (type) {
      case 'OBJECT_TABLE':
      case 'OBJECT_MATVIEW':
      case 'OBJECT_VIEW': {
        const relkind = type === 'OBJECT_TABLE' ? 'table' : type === 'OBJECT_VIEW' ? 'view' : 'materialized view';
        if (!ctx.schema.table(name) && node.missing_ok) break;
        result.effects.push({ code: `drop-${relkind.replace(' ', '-')}`, relation: name, mode: AE, relkind });
        for (const idx of ctx.schema.indexesOf(name)) result.effects.push({ code: 'drop-table-index', relation: idx, mode: AE, relkind: 'index' });
        // Dropping the table drops its FK triggers on every referenced table.
        for (const parent of ctx.schema.referencedBy(name)) result.effects.push({ code: 'drop-table-fk-parent', relation: parent, mode: AE, relkind: 'table' });
        break;
      }
      case 'OBJECT_INDEX': {
        const table = ctx.schema.indexTable(name);
        const concurrent = node.concurrent === true;
        if (!table && node.missing_ok) break;
        result.effects.push({ code: concurrent ? 'drop-index-concurrently' : 'drop-index', relation: name, mode: concurrent ? SUE : AE, relkind: 'index' });
        if (table) result.effects.push({ code: concurrent ? 'drop-index-concurrently' : 'drop-index', relation: table, mode: concurrent ? SUE : AE, relkind: 'table', detail: name });
        break;
      }
      case 'OBJECT_TRIGGER':
      case 'OBJECT_POLICY':
      case 'OBJECT_RULE': {
        // objects are [schema?, table, name]
        const table = qualifiedFromNames(parts.slice(0, -1));
        if (table && !(node.missing_ok && !ctx.schema.table(table))) result.effects.push({ code: `drop-${type.replace('OBJECT_', '').toLowerCase()}`, relation: table, mode: AE, relkind: 'table' });
        break;
      }
      default:
        break;
    }
  }
}

function renameEffects(node: Node, ctx: PredictContext, result: StatementEffects): void {
  const target = rangeVarName(node.relation);
  switch (node.renameType) {
    case 'OBJECT_COLUMN':
      if (target) result.effects.push({ code: 'rename-column', relation: target, mode: AE, column: node.subname as string, detail: node.newname as string, relkind: 'table' });
      return;
    case 'OBJECT_TABLE':
    case 'OBJECT_VIEW':
    case 'OBJECT_MATVIEW':
      if (target) result.effects.push({ code: node.renameType === 'OBJECT_TABLE' ? 'rename-table' : 'rename-view', relation: target, mode: AE, detail: node.newname as string, relkind: 'table' });
      return;
    case 'OBJECT_INDEX':
      // Lowered to SUE in PostgreSQL 12 (commit 1b5d797cd4f7); ALTER INDEX naming a table still takes AE.
      if (target) result.effects.push({ code: 'rename-index', relation: target, mode: ctx.pgVersion >= 12 && ctx.schema.indexTable(target) ? SUE : AE, relkind: 'index', detail: node.newname as string });
      return;
    case 'OBJECT_TABCONSTRAINT': {
      if (target) result.effects.push({ code: 'rename-constraint', relation: target, mode: AE, relkind: 'table' });
      return;
    }
    default:
      return;
  }
}

function reindexEffects(node: Node, ctx: PredictContext, result: StatementEffects): void {
  const concurrent = list(node.params).some((p) => unwrap(p, 'DefElem')?.defname === 'concurrently');
  const target = rangeVarName(node.relation);
  if (!target) return;
  if (node.kind === 'REINDEX_OBJECT_INDEX') {
    const table = ctx.schema.indexTable(target);
    result.effects.push({ code: concurrent ? 'reindex-concurrently' : 'reindex', relation: target, mode: concurrent ? SUE : AE, rewrite: 'index', relkind: 'index' });
    if (table) result.effects.push({ code: concurrent ? 'reindex-concurrently' : 'reindex', relation: table, mode: concurrent ? SUE : 'ShareLock', scan: true, relkind: 'table' });
    return;
  }
  if (node.kind === 'REINDEX_OBJECT_TABLE') {
    result.effects.push({ code: concurrent ? 'reindex-concurrently' : 'reindex', relation: target, mode: concurrent ? SUE : 'ShareLock', scan: true, rewrite: 'index', relkind: 'table' });
    if (!concurrent) for (const idx of ctx.schema.indexesOf(target)) result.effects.push({ code: 'reindex', relation: idx, mode: AE, rewrite: 'index', relkind: 'index' });
  }
}

function commentEffects(node: Node, result: StatementEffects): void {
  const parts = names(node.object);
  if (node.objtype === 'OBJECT_TABLE') {
    const table = qualifiedFromNames(parts);
    if (table) result.effects.push({ code: 'comment', relation: table, mode: SUE, relkind: 'table' });
  } else if (node.objtype === 'OBJECT_COLUMN') {
    const table = qualifiedFromNames(parts.slice(0, -1));
    if (table) result.effects.push({ code: 'comment', relation: table, mode: SUE, relkind: 'table' });
  }
}

function dmlEffects(kind: string, node: Node, ctx: PredictContext, result: StatementEffects): void {
  const target = rangeVarName(node.relation);
  if (!target) return;
  const code = kind === 'InsertStmt' ? 'insert' : kind === 'UpdateStmt' ? 'update' : kind === 'DeleteStmt' ? 'delete' : 'merge';
  const whole = kind !== 'InsertStmt' && !node.whereClause;
  result.effects.push({ code, relation: target, mode: 'RowExclusiveLock', scan: kind !== 'InsertStmt', relkind: 'table', detail: whole ? 'every row' : undefined });
  // Foreign-key checks lock the referenced rows (SELECT … FOR KEY SHARE → RowShareLock on the parent).
  const fkChecked = kind === 'InsertStmt' || kind === 'MergeStmt' || (kind === 'UpdateStmt' && updatesFkColumn(node, target, ctx));
  if (fkChecked) for (const parent of ctx.schema.referencedBy(target)) result.effects.push({ code: 'fk-check', relation: parent, mode: 'RowShareLock', relkind: 'table' });
  // The target's own RangeVar is skipped by name (it is `except`), so the whole node can be walked.
  result.opaque = queryEffects(node, target, result);
}

function updatesFkColumn(node: Node, table: string, ctx: PredictContext): boolean {
  const set = new Set(list(node.targetList).map((t) => unwrap(t, 'ResTarget')?.name as string));
  // A foreign key's columns are not tracked per column; any update of a column named like a key counts.
  return ctx.schema.referencedBy(table).length > 0 && [...set].some((c) => /(_id|id)$/.test(c ?? ''));
}

/**
 * ACCESS SHARE on every other relation a query reads. Returns whether the query calls a function
 * that may do anything (DDL, dynamic SQL), which makes the statement not statically known. One
 * walk of the tree answers both.
 */
function queryEffects(tree: unknown, except: string | undefined, result: StatementEffects): boolean {
  const ctes = new Set<string>();
  const read: Node[] = [];
  let callsUnknown = false;
  walk(tree, (kind, n) => {
    switch (kind) {
      case 'RangeVar':
        read.push(n);
        return false;
      // Column references and constants hold no relation or call: skip their subtrees (most of a view's nodes).
      case 'ColumnRef':
      case 'A_Const':
        return false;
      case 'CommonTableExpr':
        if (typeof n.ctename === 'string') ctes.add(n.ctename);
        return true;
      case 'FuncCall':
        if (!callsUnknown) {
          const fn = names(n.funcname);
          callsUnknown = !BENIGN_FUNCTIONS.has(fn[fn.length - 1] ?? '');
        }
        return true;
      default:
        return true;
    }
  });
  const seen = new Set<string>();
  for (const n of read) {
    if (!n.schemaname && ctes.has(n.relname as string)) continue;
    const name = rangeVarName(n);
    if (!name || name === except || seen.has(name)) continue;
    seen.add(name);
    result.effects.push({ code: 'read', relation: name, mode: 'AccessShareLock', relkind: 'table' });
  }
  return callsUnknown;
}

const BENIGN_FUNCTIONS = new Set(['now', 'count', 'coalesce', 'lower', 'upper', 'max', 'min', 'sum', 'avg', 'length', 'concat', 'set_config', 'nextval', 'setval', 'current_setting', 'to_jsonb', 'jsonb_build_object', 'array_agg', 'string_agg', 'gen_random_uuid', 'md5', 'random', 'substring', 'trim', 'replace']);

