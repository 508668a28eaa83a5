/**
 * Statements with no schema object to drop: data changes (irreversible unless they only touch what
 * the migration itself created), session settings and transaction control (nothing to undo),
 * maintenance (VACUUM, ANALYZE, REINDEX…), and opaque code (DO blocks, function calls).
 */
import { Node, list, unwrap, walk } from '../analyse/ast';
import { createdColumn, createdTable, dataLoss, InverseContext, Inversion, noOp, notGenerated } from './context';
import { relationKey, relationOf } from './inverse-create';

export function invertUpdate(node: Node, ctx: InverseContext): Inversion {
  const key = relationKey(relationOf(node.relation));
  if (createdTable(ctx, key)) return noOp(`updates table ${key}, which the rollback drops`);
  const targets = list(node.targetList).map((t) => unwrap(t, 'ResTarget')?.name as string);
  if (targets.length > 0 && targets.every((c) => createdColumn(ctx, key, c))) {
    return noOp(`backfills only columns this migration added (${targets.join(', ')}); dropping them undoes it`);
  }
  return dataLoss(`UPDATE of ${key} overwrites values no rollback can know`);
}

export function invertRowChange(verb: string, node: Node, ctx: InverseContext): Inversion {
  const key = relationKey(relationOf(node.relation));
  if (createdTable(ctx, key)) return noOp(`${verb} on table ${key}, which the rollback drops`);
  return dataLoss(`${verb} on ${key} changes rows no generated rollback can put back`);
}

export function invertTruncate(node: Node, ctx: InverseContext): Inversion {
  const keys = list(node.relations).map((r) => relationKey(relationOf(r)));
  if (keys.every((k) => createdTable(ctx, k))) return noOp('truncates only tables the rollback drops');
  return dataLoss(`TRUNCATE ${keys.join(', ')} destroys their rows`);
}

export function invertComment(node: Node, ctx: InverseContext): Inversion {
  const parts = list(unwrap(node.object, 'List')?.items ?? []).map((n) => unwrap(n, 'String')?.sval as string);
  const type = node.objtype as string;
  const table = type === 'OBJECT_COLUMN' ? parts.slice(0, -1) : parts;
  const key = table.length > 1 ? `${table[table.length - 2]}.${table[table.length - 1]}` : `public.${table[0]}`;
  if (createdTable(ctx, key) || (type === 'OBJECT_COLUMN' && createdColumn(ctx, key, parts[parts.length - 1]))) {
    return noOp('comment on an object the rollback drops');
  }
  // Comments are documentation, not schema or data, and the catalog snapshot does not hold the old text.
  return noOp('the previous comment is not restored (the catalog snapshot does not record comments)');
}

/** SELECT with no function call has no effect; one that calls functions (setval, create_hypertable…) may. */
export function invertSelect(node: Node): Inversion {
  let callsFunction = false;
  walk(node, (kind) => {
    if (kind === 'FuncCall') callsFunction = true;
  });
  return callsFunction ? notGenerated('SELECT calls functions whose side effects drydock cannot see') : noOp('a query changes nothing');
}

const NOTHING_TO_UNDO: Record<string, string> = {
  VariableSetStmt: 'a session setting',
  VariableShowStmt: 'SHOW changes nothing',
  TransactionStmt: 'transaction control (the rollback runs in its own transaction)',
  VacuumStmt: 'maintenance (VACUUM/ANALYZE) changes no schema or data',
  ReindexStmt: 'REINDEX rebuilds, changes no schema or data',
  ClusterStmt: 'CLUSTER reorders rows, changes no schema or data',
  RefreshMatViewStmt: 'a materialized view refresh recomputes derived data',
  NotifyStmt: 'NOTIFY changes nothing',
  CheckPointStmt: 'CHECKPOINT changes nothing',
  LockStmt: 'LOCK ends with the transaction',
};

const OPAQUE: Record<string, string> = {
  DoStmt: 'a DO block runs code drydock cannot see into',
  GrantStmt: 'privileges are not in the catalog snapshot, so drydock cannot tell what held before',
  GrantRoleStmt: 'role membership is not in the catalog snapshot',
  AlterDefaultPrivilegesStmt: 'default privileges are not in the catalog snapshot',
  CreateRoleStmt: 'roles are cluster-wide; drydock does not drop them',
  AlterSeqStmt: 'the sequence’s previous options and position are not restored',
  CallStmt: 'CALL runs a procedure whose effects drydock cannot see',
  CopyStmt: 'COPY loads or exports rows drydock cannot track',
};

export function invertMisc(kind: string): Inversion {
  if (NOTHING_TO_UNDO[kind]) return noOp(NOTHING_TO_UNDO[kind]);
  if (OPAQUE[kind]) return notGenerated(OPAQUE[kind]);
  return notGenerated(`${kind.replace(/Stmt$/, '')} statements are not inverted`);
}
