/**
 * Generated rollback for a migration without a down script: every up statement is inverted from its
 * parse tree (and, where the previous state matters, the catalog from before the migration), and
 * the inverses run in reverse statement order. Statements that destroy data or have no inverse are
 * steps marked irreversible: the rollback refuses them without --force, and the backup or PITR is
 * the way back for what they changed.
 */
import type { Node } from '../analyse/ast';
import type { ParsedStatement } from '../parse/parser';
import type { CatalogSnapshot } from '../schema';
import { CreatedObjects, InverseContext, Inversion } from './context';
import { invertAlterTable } from './inverse-alter-table';
import {
  invertCreateExtension,
  invertCreateFunction,
  invertCreateIndex,
  invertCreatePolicy,
  invertCreateSchema,
  invertCreateSequence,
  invertCreateTable,
  invertCreateTableAs,
  invertCreateTrigger,
  invertCreateType,
  invertCreateView,
} from './inverse-create';
import { invertDrop } from './inverse-drop';
import { invertComment, invertMisc, invertRowChange, invertSelect, invertTruncate, invertUpdate } from './inverse-other';
import { invertAlterEnum, invertRename, invertSetSchema } from './inverse-rename';
import type { GeneratedRollback, RollbackStep } from './types';

type Inverter = (node: Node, ctx: InverseContext) => Inversion;

const INVERTERS: Record<string, Inverter> = {
  CreateStmt: invertCreateTable,
  CreateTableAsStmt: invertCreateTableAs,
  IndexStmt: invertCreateIndex,
  ViewStmt: invertCreateView,
  CreateFunctionStmt: invertCreateFunction,
  CreateTrigStmt: invertCreateTrigger,
  CreateSeqStmt: invertCreateSequence,
  CreateSchemaStmt: invertCreateSchema,
  CreateEnumStmt: (n, c) => invertCreateType('CreateEnumStmt', n, c),
  CreateRangeStmt: (n, c) => invertCreateType('CreateRangeStmt', n, c),
  CompositeTypeStmt: (n, c) => invertCreateType('CompositeTypeStmt', n, c),
  CreateDomainStmt: (n, c) => invertCreateType('CreateDomainStmt', n, c),
  CreateExtensionStmt: invertCreateExtension,
  CreatePolicyStmt: invertCreatePolicy,
  AlterTableStmt: invertAlterTable,
  DropStmt: invertDrop,
  RenameStmt: invertRename,
  AlterEnumStmt: invertAlterEnum,
  AlterObjectSchemaStmt: invertSetSchema,
  UpdateStmt: invertUpdate,
  InsertStmt: (n, c) => invertRowChange('INSERT', n, c),
  DeleteStmt: (n, c) => invertRowChange('DELETE', n, c),
  MergeStmt: (n, c) => invertRowChange('MERGE', n, c),
  TruncateStmt: invertTruncate,
  CommentStmt: invertComment,
  SelectStmt: (n) => invertSelect(n),
};

/**
 * Invert `statements` (one migration's up SQL, in file order). `before` is the catalog just before
 * the migration; without it, inverses that need a previous state are reported as not generated.
 */
export function generateRollback(statements: ParsedStatement[], before?: CatalogSnapshot | null): GeneratedRollback {
  const created = new CreatedObjects();
  const forward: RollbackStep[] = statements.map((statement) => {
    const ctx: InverseContext = { statement, before: before ?? null, created };
    const node = (statement.ast[statement.kind] ?? {}) as Node;
    const inverter = INVERTERS[statement.kind];
    const result = inverter ? inverter(node, ctx) : invertMisc(statement.kind);
    return toStep(statement, result);
  });
  const steps = forward.reverse();
  const inverses = steps.filter((s) => s.inverse !== null);
  const sql = inverses.length === 0 ? null : inverses.map((s) => `-- undoes statement ${s.statementIndex + 1} (line ${s.line}): ${oneLine(s.reason)}\n${s.inverse};`).join('\n');
  return { sql, steps, reversible: steps.every((s) => !s.irreversible) };
}

function toStep(statement: ParsedStatement, result: Inversion): RollbackStep {
  return {
    statementIndex: statement.index,
    line: statement.line,
    inverse: result.sql.length > 0 ? result.sql.join(';\n') : null,
    irreversible: result.category === 'data-loss' || result.category === 'not-generated',
    category: result.category,
    reason: result.reason,
  };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ');
}
