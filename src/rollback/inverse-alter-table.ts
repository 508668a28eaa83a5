/**
 * Inverses of ALTER TABLE subcommands, in reverse order within the statement. Previous states
 * (defaults, NOT NULL, constraint definitions, column types) come from the catalog taken before
 * the migration; expressions are pg_get_expr / pg_get_constraintdef text, valid SQL as they are.
 */
import { Node, list, names, unwrap } from '../analyse/ast';
import {
  columnBefore,
  createdColumn,
  createdTable,
  dataLoss,
  inverse,
  InverseContext,
  Inversion,
  needsCatalog,
  noOp,
  notGenerated,
} from './context';
import { relationKey, relationOf, relationSql } from './inverse-create';
import { quoteIdent } from '../parse/quote';
import { describeType, isWidening, parseFormattedType, parseTypeNameNode } from './type-text';

type CommandInverter = (cmd: Node, table: TableRef, ctx: InverseContext) => Inversion;

interface TableRef {
  /** As written in the statement, quoted. */
  sql: string;
  /** Catalog key, e.g. "public.users". */
  key: string;
  schema: string | undefined;
}

const alter = (t: TableRef, action: string) => `ALTER TABLE ${t.sql} ${action}`;

export function invertAlterTable(node: Node, ctx: InverseContext): Inversion {
  const rv = relationOf(node.relation);
  const table: TableRef = { sql: relationSql(rv), key: relationKey(rv), schema: rv.schemaname };
  if (node.objtype && node.objtype !== 'OBJECT_TABLE') return notGenerated(`ALTER ${String(node.objtype).replace('OBJECT_', '')} is not inverted`);
  if (createdTable(ctx, table.key)) return noOp(`changes table ${table.key}, which the rollback drops`);
  const parts = list(node.cmds).map((c) => {
    const cmd = unwrap(c, 'AlterTableCmd') ?? {};
    const invert = COMMANDS[cmd.subtype as string];
    return invert ? invert(cmd, table, ctx) : notGenerated(`ALTER TABLE ${describeSubtype(cmd.subtype)} is not inverted`);
  });
  return combine(parts);
}

/** One verdict for the statement: the worst category wins; inverses run last command first. */
function combine(parts: Inversion[]): Inversion {
  const sql = [...parts].reverse().flatMap((p) => p.sql);
  const reason = parts.map((p) => p.reason).join('; ');
  const worst = parts.find((p) => p.category === 'data-loss') ?? parts.find((p) => p.category === 'not-generated');
  if (worst) return { category: worst.category, sql, reason };
  return sql.length > 0 ? { category: 'inverse', sql, reason } : { category: 'no-op', sql: [], reason };
}

function describeSubtype(subtype: unknown): string {
  return String(subtype ?? 'command').replace(/^AT_/, '');
}

const COMMANDS: Record<string, CommandInverter> = {
  AT_AddColumn: (cmd, t, ctx) => {
    const column = unwrap(cmd.def, 'ColumnDef')?.colname as string;
    if (cmd.missing_ok) {
      if (!ctx.before) return needsCatalog(`telling whether column ${column} existed (ADD COLUMN IF NOT EXISTS)`);
      if (columnBefore(ctx, t.key, column)) return noOp(`column ${column} existed before: IF NOT EXISTS did nothing`);
    }
    ctx.created.add('column', `${t.key}.${column}`);
    return inverse('ADD COLUMN → DROP COLUMN', alter(t, `DROP COLUMN ${quoteIdent(column)}`));
  },
  AT_DropColumn: (cmd, t, ctx) => {
    const column = cmd.name as string;
    if (createdColumn(ctx, t.key, column)) return noOp(`column ${column} was added by this migration`);
    return dataLoss(`DROP COLUMN ${column} destroys the column's data`);
  },
  AT_ColumnDefault: (cmd, t, ctx) => {
    const column = cmd.name as string;
    if (createdColumn(ctx, t.key, column)) return noOp(`column ${column} is new; dropping it drops its default`);
    if (!ctx.before) return needsCatalog(`restoring the previous default of ${column}`);
    const previous = columnBefore(ctx, t.key, column);
    if (!previous) return notGenerated(`column ${t.key}.${column} is not in the catalog before the migration`);
    const verb = cmd.def ? 'SET DEFAULT' : 'DROP DEFAULT';
    return previous.default === null
      ? inverse(`${verb} → DROP DEFAULT (there was none)`, alter(t, `ALTER COLUMN ${quoteIdent(column)} DROP DEFAULT`))
      : inverse(`${verb} → the previous default`, alter(t, `ALTER COLUMN ${quoteIdent(column)} SET DEFAULT ${previous.default}`));
  },
  AT_SetNotNull: (cmd, t, ctx) => notNullInverse(cmd, t, ctx, true),
  AT_DropNotNull: (cmd, t, ctx) => notNullInverse(cmd, t, ctx, false),
  AT_AddConstraint: (cmd, t, ctx) => {
    const constraint = unwrap(cmd.def, 'Constraint') ?? {};
    const name = constraint.conname as string | undefined;
    if (!name) {
      return notGenerated('an unnamed constraint gets a name drydock cannot know in advance; name it (ADD CONSTRAINT name …)');
    }
    ctx.created.add('constraint', `${t.key}.${name}`);
    const sql = [alter(t, `DROP CONSTRAINT ${quoteIdent(name)}`)];
    if (constraint.indexname) {
      // USING INDEX turned an existing index into the constraint's; dropping the constraint drops it.
      if (!ctx.before) return needsCatalog(`recreating index ${String(constraint.indexname)} after dropping constraint ${name}`);
      const definition = ctx.before.indexes[`${t.key.split('.')[0]}.${String(constraint.indexname)}`];
      if (!definition) return notGenerated(`index ${String(constraint.indexname)} is not in the catalog before the migration`);
      sql.push(definition);
    }
    if (constraint.contype === 'CONSTR_PRIMARY' && ctx.before) {
      // A primary key marks its columns NOT NULL, and dropping it leaves them so.
      for (const column of names(constraint.keys)) {
        const previous = columnBefore(ctx, t.key, column);
        if (previous && !previous.notNull) sql.push(alter(t, `ALTER COLUMN ${quoteIdent(column)} DROP NOT NULL`));
      }
    }
    return inverse('ADD CONSTRAINT → DROP CONSTRAINT', ...sql);
  },
  AT_DropConstraint: (cmd, t, ctx) => {
    const name = cmd.name as string;
    if (ctx.created.has('constraint', `${t.key}.${name}`)) return noOp(`constraint ${name} was added by this migration`);
    if (!ctx.before) return needsCatalog(`re-adding constraint ${name}`);
    const definition = ctx.before.tables[t.key]?.constraints[name];
    if (definition === undefined) {
      return cmd.missing_ok ? noOp(`constraint ${name} did not exist: IF EXISTS did nothing`) : notGenerated(`constraint ${name} is not in the catalog before the migration`);
    }
    return inverse('DROP CONSTRAINT → ADD CONSTRAINT with the previous definition', alter(t, `ADD CONSTRAINT ${quoteIdent(name)} ${definition}`));
  },
  AT_ValidateConstraint: (cmd, t, ctx) => {
    const name = cmd.name as string;
    if (ctx.created.has('constraint', `${t.key}.${name}`)) return noOp(`constraint ${name} was added by this migration`);
    if (!ctx.before) return needsCatalog(`restoring constraint ${name} as NOT VALID`);
    const definition = ctx.before.tables[t.key]?.constraints[name];
    if (definition === undefined) return notGenerated(`constraint ${name} is not in the catalog before the migration`);
    if (!/\bNOT VALID$/.test(definition)) return noOp(`constraint ${name} was already valid`);
    return inverse(
      'VALIDATE CONSTRAINT → re-add it NOT VALID',
      alter(t, `DROP CONSTRAINT ${quoteIdent(name)}`),
      alter(t, `ADD CONSTRAINT ${quoteIdent(name)} ${definition}`),
    );
  },
  AT_AlterColumnType: (cmd, t, ctx) => {
    const column = cmd.name as string;
    if (createdColumn(ctx, t.key, column)) return noOp(`column ${column} was added by this migration`);
    if (!ctx.before) return needsCatalog(`changing column ${column} back to its previous type`);
    const previous = columnBefore(ctx, t.key, column);
    if (!previous) return notGenerated(`column ${t.key}.${column} is not in the catalog before the migration`);
    const from = parseFormattedType(previous.type);
    const to = parseTypeNameNode(unwrap(cmd.def, 'ColumnDef')?.typeName);
    if (!isWidening(from, to)) {
      return dataLoss(`ALTER COLUMN ${column} TYPE ${describeType(to)} may change or truncate values of ${previous.type}, so changing back cannot restore them`);
    }
    const collate = previous.collation ? ` COLLATE ${quoteIdent(previous.collation)}` : '';
    return inverse(
      `TYPE ${describeType(to)} (widening) → TYPE ${previous.type}`,
      alter(t, `ALTER COLUMN ${quoteIdent(column)} TYPE ${previous.type}${collate} USING ${quoteIdent(column)}::${previous.type}`),
    );
  },
  AT_AddIdentity: (cmd, t) => inverse('ADD GENERATED AS IDENTITY → DROP IDENTITY', alter(t, `ALTER COLUMN ${quoteIdent(cmd.name as string)} DROP IDENTITY`)),
  AT_DropIdentity: (cmd) => dataLoss(`DROP IDENTITY on ${String(cmd.name)} drops the identity sequence and its position`),
  AT_AttachPartition: (cmd, t) => {
    const partition = relationOf(unwrap(cmd.def, 'PartitionCmd')?.name);
    return inverse('ATTACH PARTITION → DETACH PARTITION', alter(t, `DETACH PARTITION ${relationSql(partition)}`));
  },
  AT_AddInherit: (cmd, t) => inverse('INHERIT → NO INHERIT', alter(t, `NO INHERIT ${relationSql(relationOf(cmd.def))}`)),
  AT_DropInherit: (cmd, t) => inverse('NO INHERIT → INHERIT', alter(t, `INHERIT ${relationSql(relationOf(cmd.def))}`)),
};

function notNullInverse(cmd: Node, t: TableRef, ctx: InverseContext, setting: boolean): Inversion {
  const column = cmd.name as string;
  const verb = setting ? 'SET NOT NULL' : 'DROP NOT NULL';
  if (createdColumn(ctx, t.key, column)) return noOp(`column ${column} was added by this migration`);
  if (!ctx.before) return needsCatalog(`restoring the nullability of ${column}`);
  const previous = columnBefore(ctx, t.key, column);
  if (!previous) return notGenerated(`column ${t.key}.${column} is not in the catalog before the migration`);
  if (previous.notNull === setting) return noOp(`column ${column} was already ${setting ? 'NOT NULL' : 'nullable'}`);
  return setting
    ? inverse(`${verb} → DROP NOT NULL`, alter(t, `ALTER COLUMN ${quoteIdent(column)} DROP NOT NULL`))
    : inverse(`${verb} → SET NOT NULL (fails if NULLs were written since)`, alter(t, `ALTER COLUMN ${quoteIdent(column)} SET NOT NULL`));
}

