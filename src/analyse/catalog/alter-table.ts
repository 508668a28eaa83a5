/**
 * ALTER TABLE, one sub-command at a time (AlterTableGetLockLevel in tablecmds.c and
 * postgres-locks.md §2 A–E). The statement takes the strongest lock any sub-command needs.
 */
import type { LockMode } from '../../report/types';
import { Node, list, names, rangeVarName, typeModsOf, typeNameOf, unwrap } from '../ast';
import type { Effect, PredictContext } from './effects';
import { constraintName } from '../schema';
import { typeChangeVerdict } from './type-change';
import { columnDefault, volatilityOf } from './volatility';

const AE: LockMode = 'AccessExclusiveLock';
const SUE: LockMode = 'ShareUpdateExclusiveLock';
const SRE: LockMode = 'ShareRowExclusiveLock';

/** Relation options that ALTER TABLE … SET (…) changes under SUE (the rest need AE). */
const SUE_RELOPTIONS = /^(fillfactor|parallel_workers|autovacuum_.*|toast\..*|vacuum_.*|log_autovacuum_min_duration|toast_tuple_target|user_catalog_table)$/;

const SERIAL_TYPES = new Set(['serial', 'serial4', 'bigserial', 'serial8', 'smallserial', 'serial2']);

/** Sub-commands that only change catalog rows under SUE. */
const SUE_SUBTYPES = new Set(['AT_SetStatistics', 'AT_SetOptions', 'AT_ResetOptions', 'AT_ClusterOn', 'AT_DropCluster']);

/** Trigger switches take SRE. */
const SRE_SUBTYPES = new Set(['AT_EnableTrig', 'AT_EnableAlwaysTrig', 'AT_EnableReplicaTrig', 'AT_DisableTrig', 'AT_EnableTrigAll', 'AT_DisableTrigAll', 'AT_EnableTrigUser', 'AT_DisableTrigUser']);

const REWRITING_SUBTYPES: Record<string, string> = {
  AT_SetLogged: 'SET LOGGED copies the table',
  AT_SetUnLogged: 'SET UNLOGGED copies the table',
  AT_SetTableSpace: 'SET TABLESPACE copies the table files',
  AT_SetAccessMethod: 'SET ACCESS METHOD rewrites the table',
  AT_SetExpression: 'SET EXPRESSION recomputes the stored generated column',
};

export function alterTableEffects(node: Node, ctx: PredictContext): Effect[] {
  const table = rangeVarName(node.relation);
  if (!table) return [];
  const relkind = node.objtype === 'OBJECT_MATVIEW' ? 'materialized view' : node.objtype === 'OBJECT_INDEX' ? 'index' : 'table';
  const effects: Effect[] = [];
  for (const item of list(node.cmds)) {
    const cmd = unwrap(item, 'AlterTableCmd');
    if (cmd) effects.push(...subcommandEffects(table, relkind, cmd, ctx));
  }
  return effects;
}

function subcommandEffects(table: string, relkind: string, cmd: Node, ctx: PredictContext): Effect[] {
  const subtype = cmd.subtype as string;
  const column = cmd.name as string | undefined;
  const on = (code: string, mode: LockMode, extra: Partial<Effect> = {}): Effect => ({ code, relation: table, mode, relkind, ...extra });
  switch (subtype) {
    case 'AT_AddColumn':
      return addColumnEffects(table, unwrap(cmd.def, 'ColumnDef') ?? {}, ctx);
    case 'AT_AlterColumnType': {
      const def = unwrap(cmd.def, 'ColumnDef') ?? {};
      const current = column ? ctx.schema.table(table)?.columns.get(column) : undefined;
      const verdict = typeChangeVerdict(current, { type: typeNameOf(def.typeName) ?? 'unknown', typmods: typeModsOf(def.typeName), hasUsing: Boolean(def.raw_default) });
      const rewrite = verdict.rewrite ? 'table' : verdict.indexRebuild ? 'index' : undefined;
      return [on(verdict.rewrite ? 'alter-type-rewrite' : 'alter-type-no-rewrite', AE, { column, rewrite, scan: verdict.rewrite, detail: verdict.reason })];
    }
    case 'AT_SetNotNull': {
      const proven = ctx.pgVersion >= 12 && column !== undefined && ctx.schema.hasValidNotNullProof(table, column);
      const already = column !== undefined && ctx.schema.table(table)?.columns.get(column)?.notNull === true;
      if (proven || already) {
        const detail = already ? 'the column is already NOT NULL' : 'a valid CHECK (… IS NOT NULL) proves it, so PostgreSQL 12+ skips the scan';
        return [on('set-not-null-proven', AE, { column, detail })];
      }
      return [on('set-not-null-scan', AE, { column, scan: true, detail: 'every row is checked for NULL under ACCESS EXCLUSIVE' })];
    }
    case 'AT_AddConstraint':
      return constraintEffects(table, relkind, unwrap(cmd.def, 'Constraint') ?? {}, ctx);
    case 'AT_ValidateConstraint': {
      const constraint = column ? ctx.schema.table(table)?.constraints.get(column) : undefined;
      const effects = [on('validate-constraint', SUE, { scan: true, constraint: column })];
      if (constraint?.kind === 'foreign' && constraint.references) effects.push({ code: 'validate-constraint-parent', relation: constraint.references, mode: 'RowShareLock', relkind: 'table' });
      return effects;
    }
    case 'AT_DropConstraint': {
      const constraint = column ? ctx.schema.table(table)?.constraints.get(column) : undefined;
      const effects = [on('drop-constraint', AE, { constraint: column })];
      // Dropping an FK removes its triggers on the referenced table too.
      if (constraint?.kind === 'foreign' && constraint.references && constraint.references !== table) effects.push({ code: 'drop-constraint-parent', relation: constraint.references, mode: AE, relkind: 'table' });
      return effects;
    }
    case 'AT_DropColumn':
      return [on('drop-column', AE, { column })];
    case 'AT_ColumnDefault':
      return [on(cmd.def ? 'set-default' : 'drop-default', AE, { column })];
    case 'AT_DropNotNull':
      return [on('drop-not-null', AE, { column })];
    case 'AT_AttachPartition': {
      const child = rangeVarName(unwrap(cmd.def, 'PartitionCmd')?.name);
      const effects = [on('attach-partition', ctx.pgVersion >= 12 ? SUE : AE)];
      if (child) effects.push({ code: 'attach-partition-child', relation: child, mode: AE, scan: true, relkind: 'table' });
      return effects;
    }
    case 'AT_DetachPartition': {
      const partition = unwrap(cmd.def, 'PartitionCmd') ?? {};
      const child = rangeVarName(partition.name);
      const concurrent = partition.concurrent === true;
      const effects = [on(concurrent ? 'detach-partition-concurrently' : 'detach-partition', concurrent ? SUE : AE)];
      if (child) effects.push({ code: 'detach-partition-child', relation: child, mode: concurrent ? SUE : AE, relkind: 'table' });
      return effects;
    }
    case 'AT_DetachPartitionFinalize':
      return [on('detach-partition-concurrently', SUE)];
    case 'AT_SetRelOptions':
    case 'AT_ResetRelOptions': {
      const options = list(unwrap(cmd.def, 'List')?.items ?? cmd.def).map((d) => String(unwrap(d, 'DefElem')?.defname ?? ''));
      const light = options.length > 0 && options.every((o) => SUE_RELOPTIONS.test(o));
      return [on('set-storage-parameters', light ? SUE : AE)];
    }
    default:
      break;
  }
  if (SUE_SUBTYPES.has(subtype)) return [on('alter-table-metadata', SUE, { column })];
  if (SRE_SUBTYPES.has(subtype)) return [on('enable-disable-trigger', SRE)];
  if (REWRITING_SUBTYPES[subtype]) return [on('alter-table-rewrite', AE, { rewrite: 'table', scan: true, detail: REWRITING_SUBTYPES[subtype] })];
  return [on('alter-table-other', AE, { column, detail: subtype.replace(/^AT_/, '') })];
}

export function addColumnEffects(table: string, def: Node, ctx: PredictContext): Effect[] {
  const column = def.colname as string | undefined;
  const type = typeNameOf(def.typeName) ?? '';
  const constraints = list(def.constraints).map((c) => unwrap(c, 'Constraint') ?? {});
  const has = (contype: string) => constraints.find((c) => c.contype === contype);
  const base = { relation: table, mode: AE, column, relkind: 'table' } as const;
  const effects: Effect[] = [];

  const generated = has('CONSTR_GENERATED');
  const defaultExpr = columnDefault(def);
  if (SERIAL_TYPES.has(type)) {
    effects.push({ ...base, code: 'add-column-serial', rewrite: 'table', scan: true, detail: `${type} fills every row from nextval(), a volatile default` });
  } else if (has('CONSTR_IDENTITY')) {
    effects.push({ ...base, code: 'add-column-identity', rewrite: 'table', scan: true, detail: 'an identity column fills every row from a sequence' });
  } else if (generated) {
    const stored = generated.generated_kind !== 'v' || ctx.pgVersion < 18;
    effects.push(
      stored
        ? { ...base, code: 'add-column-generated-stored', rewrite: 'table', scan: true, detail: 'a STORED generated column is computed for every row' }
        : { ...base, code: 'add-column-generated-virtual', detail: 'a VIRTUAL generated column is computed on read' },
    );
  } else if (defaultExpr !== undefined && !isNullConst(defaultExpr)) {
    const verdict = volatilityOf(defaultExpr);
    if (verdict.volatility === 'volatile') {
      effects.push({ ...base, code: 'add-column-volatile-default', rewrite: 'table', scan: true, detail: `the default ${verdict.culprit} is volatile: every row is written` });
    } else if (ctx.pgVersion < 11) {
      effects.push({ ...base, code: 'add-column-default-rewrite', rewrite: 'table', scan: true, detail: 'before PostgreSQL 11 any default rewrites the table' });
    } else {
      effects.push({ ...base, code: 'add-column-default', detail: 'a non-volatile default is stored once (PostgreSQL 11+ fast default)' });
    }
  } else if (has('CONSTR_NOTNULL')) {
    effects.push({ ...base, code: 'add-column-not-null', detail: 'NOT NULL without a default fails on a table with rows' });
  } else {
    effects.push({ ...base, code: 'add-column' });
  }

  for (const c of constraints) {
    switch (c.contype) {
      case 'CONSTR_FOREIGN': {
        const parent = rangeVarName(c.pktable);
        if (parent && parent !== table) effects.push({ code: 'add-column-fk-parent', relation: parent, mode: SRE, relkind: 'table' });
        // A new column is all NULL when it has no default, so validation has nothing to check.
        if (defaultExpr !== undefined) {
          effects.push({ ...base, code: 'add-column-fk', constraint: constraintName(table, c, column), scan: true, detail: 'the foreign key is validated for every row' });
        }
        break;
      }
      case 'CONSTR_UNIQUE':
      case 'CONSTR_PRIMARY':
        effects.push({
          ...base,
          code: c.contype === 'CONSTR_PRIMARY' ? 'add-primary-key' : 'add-unique',
          constraint: constraintName(table, c, column),
          scan: true,
          detail: 'the index is built under ACCESS EXCLUSIVE',
        });
        break;
      case 'CONSTR_CHECK':
        if (!c.skip_validation) effects.push({ ...base, code: 'add-check', scan: true, detail: 'the CHECK is evaluated for every row' });
        break;
      default:
        break;
    }
  }
  return effects;
}

function isNullConst(expr: unknown): boolean {
  return unwrap(expr, 'A_Const')?.isnull === true;
}

function constraintEffects(table: string, relkind: string, c: Node, ctx: PredictContext): Effect[] {
  const base = { relation: table, relkind, constraint: constraintName(table, c) } as const;
  const notValid = c.skip_validation === true;
  const keys = names(c.keys);
  switch (c.contype) {
    case 'CONSTR_CHECK':
      return [{ ...base, code: notValid ? 'add-check-not-valid' : 'add-check', mode: AE, scan: !notValid, detail: notValid ? undefined : 'the CHECK is evaluated for every row under ACCESS EXCLUSIVE' }];
    case 'CONSTR_FOREIGN': {
      const parent = rangeVarName(c.pktable);
      const effects: Effect[] = [{ ...base, code: notValid ? 'add-fk-not-valid' : 'add-fk', mode: SRE, scan: !notValid, column: names(c.fk_attrs).join(', '), detail: parent }];
      if (parent && parent !== table) effects.push({ code: 'add-fk-parent', relation: parent, mode: SRE, relkind: 'table' });
      return effects;
    }
    case 'CONSTR_NOTNULL': {
      const proven = keys[0] !== undefined && ctx.schema.hasValidNotNullProof(table, keys[0]);
      return [{ ...base, code: notValid ? 'add-not-null-not-valid' : 'add-not-null-constraint', mode: AE, column: keys[0], scan: !notValid && !proven }];
    }
    case 'CONSTR_PRIMARY':
    case 'CONSTR_UNIQUE': {
      const code = c.contype === 'CONSTR_PRIMARY' ? 'add-primary-key' : 'add-unique';
      if (c.indexname) {
        const nullable = c.contype === 'CONSTR_PRIMARY' && !keysAllNotNull(table, keys, ctx);
        return [{ ...base, code: `${code}-using-index`, mode: AE, scan: nullable, detail: c.indexname as string }];
      }
      return [{ ...base, code, mode: AE, scan: true, column: keys.join(', '), detail: 'the unique index is built under ACCESS EXCLUSIVE' }];
    }
    case 'CONSTR_EXCLUSION':
      return [{ ...base, code: 'add-exclusion', mode: AE, scan: true, detail: 'the exclusion index is built under ACCESS EXCLUSIVE' }];
    default:
      return [{ ...base, code: 'alter-table-other', mode: AE }];
  }
}

function keysAllNotNull(table: string, keys: string[], ctx: PredictContext): boolean {
  const t = ctx.schema.table(table);
  // USING INDEX does not list the columns; unknown means "may scan".
  return keys.length > 0 && keys.every((k) => t?.columns.get(k)?.notNull === true);
}
