/**
 * Which statements PostgreSQL refuses to run inside a transaction block (SQLSTATE 25001), and
 * which are transaction control that a migration file carries itself. Decided from the parse
 * tree, never from the text: `-- CREATE INDEX CONCURRENTLY` in a comment is not a statement.
 */

type Node = Record<string, unknown>;

export interface TransactionBehaviour {
  nonTransactional: boolean;
  transactionControl: boolean;
}

const ALWAYS_NON_TRANSACTIONAL = new Set([
  'CreatedbStmt',
  'DropdbStmt',
  'CreateTableSpaceStmt',
  'DropTableSpaceStmt',
  'AlterSystemStmt',
  'CreateSubscriptionStmt',
  'DropSubscriptionStmt',
]);

export function classifyTransactionBehaviour(kind: string, node: Node | undefined): TransactionBehaviour {
  const n = node ?? {};
  if (kind === 'TransactionStmt') return { nonTransactional: false, transactionControl: true };
  return { nonTransactional: isNonTransactional(kind, n), transactionControl: false };
}

function isNonTransactional(kind: string, node: Node): boolean {
  if (ALWAYS_NON_TRANSACTIONAL.has(kind)) return true;
  switch (kind) {
    case 'IndexStmt':
    case 'DropStmt':
      return node.concurrent === true;
    case 'ReindexStmt':
      return hasDefElem(node.params, 'concurrently');
    case 'VacuumStmt':
      // ANALYZE alone may run in a transaction; VACUUM may not.
      return node.is_vacuumcmd === true;
    case 'AlterTableStmt':
      return ((node.cmds as Node[] | undefined) ?? []).some((cmd) => {
        const c = cmd.AlterTableCmd as Node | undefined;
        const partition = (c?.def as Node | undefined)?.PartitionCmd as Node | undefined;
        return c?.subtype === 'AT_DetachPartition' && partition?.concurrent === true;
      });
    default:
      return false;
  }
}

function hasDefElem(list: unknown, name: string): boolean {
  return Array.isArray(list) && list.some((item: Node) => (item.DefElem as Node | undefined)?.defname === name);
}

/** The kind of a TransactionStmt: BEGIN/START open, COMMIT/ROLLBACK/END close, others are savepoints etc. */
export function transactionControlKind(ast: Record<string, unknown>): 'begin' | 'commit' | 'rollback' | 'other' {
  const kind = (ast.TransactionStmt as Node | undefined)?.kind;
  switch (kind) {
    case 'TRANS_STMT_BEGIN':
    case 'TRANS_STMT_START':
      return 'begin';
    case 'TRANS_STMT_COMMIT':
      return 'commit';
    case 'TRANS_STMT_ROLLBACK':
      return 'rollback';
    default:
      return 'other';
  }
}
