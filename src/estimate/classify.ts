/**
 * Operation class of a traced statement (estimation.md §3). The trace decides: a changed
 * relfilenode is a rewrite whatever the text says, and a SET NOT NULL that found a valid CHECK
 * (no scan traced) is metadata. The parse tree only says which kind of work a scan or lock is for
 * (an index build, an FK check), and stands in for the scan trace when the dry run had none.
 */
import type { LockEntry, LockMode, Statement } from '../report/types';
import { LOCK_MODES } from '../report/types';
import type { OperationClass } from './types';

export interface Classification {
  class: OperationClass;
  /** The table whose size drives the cost (null for metadata on no particular table). */
  table: string | null;
  /** Other tables whose size matters: the referenced table of an FK check. */
  related: string[];
  /** Why, in words, for the estimate's basis. */
  reason: string;
}

type Ast = Record<string, unknown>;

const DML_KINDS = new Set(['UpdateStmt', 'DeleteStmt', 'InsertStmt', 'MergeStmt']);
const TABLE_RELKINDS = new Set([undefined, 'table', 'partitioned table', 'r', 'p']);
const WRITE_BLOCKING: LockMode[] = ['ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'];

/** null for statements that do no work of their own (transaction control) or failed in the dry run. */
export function classifyStatement(statement: Statement, ast?: Ast): Classification | null {
  if (statement.transactionControl || statement.error) return null;
  const tables = tableLocks(statement);
  const strongest = strongestLock(tables);

  const rewrite = statement.rewrites.find((r) => r.kind === 'table');
  if (rewrite) {
    return { class: 'table-rewrite', table: rewrite.relation, related: [], reason: `${rewrite.relation} rewritten (relfilenode changed)` };
  }
  if (DML_KINDS.has(statement.kind)) {
    const target = tables.find((l) => l.mode === 'RowExclusiveLock') ?? strongest;
    const rows = statement.rows ?? null;
    return {
      class: 'dml-backfill',
      table: target?.relation ?? null,
      related: [],
      reason: `${statement.kind.replace(/Stmt$/, '').toUpperCase()} of ${rows ?? 'an unknown number of'} row(s) in the CI database`,
    };
  }
  if (buildsIndex(statement.kind, ast)) {
    const table = tables.find((l) => l.mode === 'ShareLock' || l.mode === 'ShareUpdateExclusiveLock' || l.mode === 'AccessExclusiveLock') ?? strongest;
    // CONCURRENTLY shows in the trace as a build that never blocks writes; a non-transactional
    // build has no traced locks at all (they end with the statement).
    const concurrent = table ? !WRITE_BLOCKING.includes(table.mode) : statement.nonTransactional;
    return {
      class: concurrent ? 'concurrent-index-build' : 'index-build',
      table: table?.relation ?? statementRelation(ast),
      related: [],
      reason: concurrent ? 'index built concurrently (SHARE UPDATE EXCLUSIVE only)' : `index build under ${table?.mode ?? 'a write-blocking lock'}`,
    };
  }
  const scanned = scannedTable(statement, ast);
  if (scanned) {
    const others = tables.filter((l) => l.relation !== scanned.table && (l.mode === 'RowShareLock' || l.mode === 'ShareRowExclusiveLock'));
    if (others.length > 0 || (scanned.fromText && addsOrValidatesForeignKey(ast))) {
      return {
        class: 'fk-validation',
        table: scanned.table,
        related: others.map((l) => l.relation),
        reason: `foreign key check of ${scanned.table}${others.length ? ` against ${others.map((l) => l.relation).join(', ')}` : ''}${scanned.fromText ? ' (from the statement: no scan trace)' : ''}`,
      };
    }
    return {
      class: 'validation-scan',
      table: scanned.table,
      related: [],
      reason: `full scan of ${scanned.table}${scanned.fromText ? ' (from the statement: no scan trace)' : ' traced'}`,
    };
  }
  return { class: 'metadata', table: strongest?.relation ?? null, related: [], reason: 'no rewrite, scan or rows traced: catalog change only' };
}

function tableLocks(statement: Statement): LockEntry[] {
  return statement.locks.filter((l) => TABLE_RELKINDS.has(l.relkind));
}

export function strongestLock(locks: LockEntry[]): LockEntry | null {
  let best: LockEntry | null = null;
  for (const lock of locks) {
    if (!best || LOCK_MODES.indexOf(lock.mode) > LOCK_MODES.indexOf(best.mode)) best = lock;
  }
  return best;
}

function scannedTable(statement: Statement, ast?: Ast): { table: string; fromText: boolean } | null {
  // null: traced, nothing scanned. undefined: not traced (e.g. non-transactional), so the statement decides.
  if (statement.scan !== undefined) {
    const scan = statement.scan;
    return scan && (scan.seqScans > 0 || scan.tuplesRead > 0) ? { table: scan.relation, fromText: false } : null;
  }
  if (statement.kind === 'AlterTableStmt' && ast && alterCommands(ast).some(scansForCommand)) {
    const target = strongestLock(tableLocks(statement));
    if (target) return { table: target.relation, fromText: true };
  }
  return null;
}

function buildsIndex(kind: string, ast?: Ast): boolean {
  if (kind === 'IndexStmt' || kind === 'ReindexStmt') return true;
  if (kind !== 'AlterTableStmt' || !ast) return false;
  return alterCommands(ast).some((cmd) => {
    const c = constraintOf(cmd);
    return !!c && ['CONSTR_PRIMARY', 'CONSTR_UNIQUE', 'CONSTR_EXCLUSION'].includes(String(c.contype)) && !c.indexname;
  });
}

function addsOrValidatesForeignKey(ast?: Ast): boolean {
  if (!ast) return false;
  return alterCommands(ast).some((cmd) => constraintOf(cmd)?.contype === 'CONSTR_FOREIGN' || cmd.subtype === 'AT_ValidateConstraint');
}

function scansForCommand(cmd: Ast): boolean {
  if (cmd.subtype === 'AT_ValidateConstraint' || cmd.subtype === 'AT_SetNotNull') return true;
  const c = constraintOf(cmd);
  return !!c && (c.contype === 'CONSTR_CHECK' || c.contype === 'CONSTR_FOREIGN') && !c.skip_validation;
}

/** The relation a statement names, schema-qualified ("public" when unqualified: the default search_path). */
export function statementRelation(ast?: Ast): string | null {
  if (!ast) return null;
  const node = Object.values(ast)[0] as Ast | undefined;
  const relation = node?.relation as Ast | undefined;
  if (!relation || typeof relation.relname !== 'string') return null;
  return `${typeof relation.schemaname === 'string' ? relation.schemaname : 'public'}.${relation.relname}`;
}

export function alterCommands(ast: Ast): Ast[] {
  const stmt = ast.AlterTableStmt as Ast | undefined;
  const cmds = (stmt?.cmds as Ast[] | undefined) ?? [];
  return cmds.map((c) => (c.AlterTableCmd as Ast) ?? {});
}

export function constraintOf(cmd: Ast): Ast | null {
  const def = cmd.def as Ast | undefined;
  return (def?.Constraint as Ast | undefined) ?? null;
}
