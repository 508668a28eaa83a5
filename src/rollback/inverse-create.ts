/**
 * Inverses of CREATE statements: each becomes the matching DROP. A CREATE … IF NOT EXISTS of an
 * object that already existed did nothing, and a CREATE OR REPLACE of an existing view, function or
 * trigger is undone by restoring the definition the catalog held before.
 */
import { Node, list, names, qualifiedFromNames, unwrap, walk } from '../analyse/ast';
import {
  catalogName,
  createdTable,
  inverse,
  InverseContext,
  Inversion,
  needsCatalog,
  noOp,
  notGenerated,
} from './context';
import { quoteIdent, quoteNames, quoteQualified } from '../parse/quote';
import { functionArgsText, identityArity, inputArity } from './type-text';

interface RangeVar {
  schemaname?: string;
  relname: string;
  relpersistence?: string;
}

export function relationOf(node: unknown): RangeVar {
  return (unwrap(node, 'RangeVar') ?? node) as unknown as RangeVar;
}

export function relationSql(rv: RangeVar): string {
  return quoteQualified(rv.schemaname, rv.relname);
}

export function relationKey(rv: RangeVar): string {
  return catalogName(rv.schemaname, rv.relname);
}

/**
 * IF NOT EXISTS: when the object existed before, the statement was a no-op. Returns the no-op, a
 * "needs the catalog" verdict, or null to go on with the normal inverse.
 */
function ifNotExists(ctx: InverseContext, enabled: unknown, what: string, existed: () => boolean): Inversion | null {
  if (!enabled) return null;
  if (!ctx.before) return needsCatalog(`telling whether ${what} existed (IF NOT EXISTS)`);
  return existed() ? noOp(`${what} existed before: IF NOT EXISTS did nothing`) : null;
}

export function invertCreateTable(node: Node, ctx: InverseContext): Inversion {
  const rv = relationOf(node.relation);
  const key = relationKey(rv);
  if (rv.relpersistence === 't') return noOp('a temporary table ends with the session');
  const skip = ifNotExists(ctx, node.if_not_exists, `table ${key}`, () => key in ctx.before!.tables);
  if (skip) return skip;
  ctx.created.add('table', key);
  return inverse('CREATE TABLE → DROP TABLE', `DROP TABLE ${relationSql(rv)}`);
}

export function invertCreateTableAs(node: Node, ctx: InverseContext): Inversion {
  const into = unwrap(node, 'into') ?? (node.into as Node);
  const rv = relationOf(into?.rel);
  const key = relationKey(rv);
  const matview = node.objtype === 'OBJECT_MATVIEW';
  const skip = ifNotExists(ctx, node.if_not_exists, `${matview ? 'materialized view' : 'table'} ${key}`, () =>
    matview ? key in ctx.before!.views : key in ctx.before!.tables,
  );
  if (skip) return skip;
  ctx.created.add('table', key);
  return matview
    ? inverse('CREATE MATERIALIZED VIEW → DROP MATERIALIZED VIEW', `DROP MATERIALIZED VIEW ${relationSql(rv)}`)
    : inverse('CREATE TABLE AS → DROP TABLE', `DROP TABLE ${relationSql(rv)}`);
}

export function invertCreateIndex(node: Node, ctx: InverseContext): Inversion {
  const rv = relationOf(node.relation);
  const name = node.idxname as string | undefined;
  if (createdTable(ctx, relationKey(rv)) && !(name && callsCreatedFunction([node.indexParams, node.whereClause], ctx))) {
    return noOp(`index on ${relationKey(rv)}, which the rollback drops`);
  }
  if (!name) return notGenerated('an unnamed index gets a name drydock cannot know in advance; name it in the migration');
  const key = catalogName(rv.schemaname, name);
  const skip = ifNotExists(ctx, node.if_not_exists, `index ${key}`, () => key in ctx.before!.indexes);
  if (skip) return skip;
  const concurrently = node.concurrent ? 'CONCURRENTLY ' : '';
  return inverse(`CREATE INDEX → DROP INDEX ${concurrently}`.trim(), `DROP INDEX ${concurrently}${quoteQualified(rv.schemaname, name)}`);
}

export function invertCreateView(node: Node, ctx: InverseContext): Inversion {
  const rv = relationOf(node.view);
  const key = relationKey(rv);
  if (node.replace) {
    if (!ctx.before) return needsCatalog('undoing CREATE OR REPLACE VIEW');
    const previous = ctx.before.views[key];
    if (previous !== undefined) {
      const definition = previous.replace(/^view: /, '');
      return inverse('CREATE OR REPLACE VIEW → the previous definition', `CREATE OR REPLACE VIEW ${relationSql(rv)} AS ${stripSemicolon(definition)}`);
    }
  }
  ctx.created.add('table', key);
  return inverse('CREATE VIEW → DROP VIEW', `DROP VIEW ${relationSql(rv)}`);
}

function stripSemicolon(sql: string): string {
  return sql.replace(/;\s*$/, '');
}

export function invertCreateFunction(node: Node, ctx: InverseContext): Inversion {
  const parts = names(node.funcname);
  const name = parts[parts.length - 1];
  const schema = parts.length > 1 ? parts[parts.length - 2] : undefined;
  const kind = node.is_procedure ? 'PROCEDURE' : 'FUNCTION';
  const args = functionArgsText(node.parameters);
  if (node.replace) {
    if (!ctx.before) return needsCatalog(`undoing CREATE OR REPLACE ${kind}`);
    const prefix = `${catalogName(schema, name)}(`;
    const arity = inputArity(node.parameters);
    const same = Object.keys(ctx.before.functions).filter((k) => k.startsWith(prefix) && identityArity(k.slice(prefix.length, -1)) === arity);
    if (same.length > 1) return notGenerated(`several overloads of ${catalogName(schema, name)} take ${arity} arguments; drydock cannot tell which one was replaced`);
    if (same.length === 1) {
      return inverse(`CREATE OR REPLACE ${kind} → the previous definition`, stripSemicolon(ctx.before.functions[same[0]]));
    }
  }
  if (args === null) return notGenerated(`${kind.toLowerCase()} ${name} has a %TYPE argument`);
  ctx.created.add('function', catalogName(schema, name));
  return inverse(`CREATE ${kind} → DROP ${kind}`, `DROP ${kind} ${quoteQualified(schema, name)}${args}`);
}

export function invertCreateTrigger(node: Node, ctx: InverseContext): Inversion {
  const rv = relationOf(node.relation);
  const key = relationKey(rv);
  if (createdTable(ctx, key) && !callsCreatedFunction({ FuncCall: { funcname: node.funcname } }, ctx)) return noOp(`trigger on ${key}, which the rollback drops`);
  const name = node.trigname as string;
  const drop = `DROP TRIGGER ${quoteIdent(name)} ON ${relationSql(rv)}`;
  if (node.replace) {
    if (!ctx.before) return needsCatalog('undoing CREATE OR REPLACE TRIGGER');
    const previous = ctx.before.tables[key]?.triggers[name];
    if (previous) return inverse('CREATE OR REPLACE TRIGGER → the previous definition', drop, previous);
  }
  return inverse('CREATE TRIGGER → DROP TRIGGER', drop);
}

export function invertCreateSequence(node: Node, ctx: InverseContext): Inversion {
  const rv = relationOf(node.sequence);
  const key = relationKey(rv);
  const skip = ifNotExists(ctx, node.if_not_exists, `sequence ${key}`, () => key in ctx.before!.sequences);
  if (skip) return skip;
  ctx.created.add('sequence', key);
  return inverse('CREATE SEQUENCE → DROP SEQUENCE', `DROP SEQUENCE ${relationSql(rv)}`);
}

export function invertCreateSchema(node: Node, ctx: InverseContext): Inversion {
  const name = node.schemaname as string;
  const skip = ifNotExists(ctx, node.if_not_exists, `schema ${name}`, () => ctx.before!.schemas.includes(name));
  if (skip) return skip;
  ctx.created.add('schema', name);
  // Objects created inside the statement (CREATE SCHEMA s CREATE TABLE …) go with it.
  const cascade = list(node.schemaElts).length > 0 ? ' CASCADE' : '';
  return inverse('CREATE SCHEMA → DROP SCHEMA', `DROP SCHEMA ${quoteIdent(name)}${cascade}`);
}

/** CREATE TYPE … AS ENUM / AS RANGE / composite, and CREATE DOMAIN. */
export function invertCreateType(kind: string, node: Node, ctx: InverseContext): Inversion {
  const parts =
    kind === 'CompositeTypeStmt'
      ? (() => {
          const rv = relationOf(node.typevar);
          return rv.schemaname ? [rv.schemaname, rv.relname] : [rv.relname];
        })()
      : names(kind === 'CreateDomainStmt' ? node.domainname : node.typeName);
  const key = catalogName(parts.length > 1 ? parts[parts.length - 2] : undefined, parts[parts.length - 1]);
  ctx.created.add('type', key);
  const word = kind === 'CreateDomainStmt' ? 'DOMAIN' : 'TYPE';
  return inverse(`CREATE ${word} → DROP ${word}`, `DROP ${word} ${quoteNames(parts)}`);
}

export function invertCreateExtension(node: Node, ctx: InverseContext): Inversion {
  const name = node.extname as string;
  const skip = ifNotExists(ctx, node.if_not_exists, `extension ${name}`, () => name in ctx.before!.extensions);
  if (skip) return skip;
  return inverse('CREATE EXTENSION → DROP EXTENSION', `DROP EXTENSION ${quoteIdent(name)}`);
}

export function invertCreatePolicy(node: Node, ctx: InverseContext): Inversion {
  const rv = relationOf(node.table);
  if (createdTable(ctx, relationKey(rv)) && !callsCreatedFunction([node.qual, node.with_check], ctx)) return noOp(`policy on ${relationKey(rv)}, which the rollback drops`);
  return inverse('CREATE POLICY → DROP POLICY', `DROP POLICY ${quoteIdent(node.policy_name as string)} ON ${relationSql(rv)}`);
}

/**
 * Whether the tree calls a function this migration created. A trigger, policy or index on a table
 * the migration created goes with the table's drop, which comes last; one that calls a function
 * created after the table must be dropped explicitly first, or the function's drop fails ("cannot
 * drop function … other objects depend on it", marquez's repeatable view and its INSTEAD OF trigger).
 */
function callsCreatedFunction(tree: unknown, ctx: InverseContext): boolean {
  let found = false;
  walk(tree, (kind, node) => {
    if (kind !== 'FuncCall') return;
    const name = qualifiedFromNames(names(node.funcname));
    if (name && ctx.created.has('function', name)) found = true;
  });
  return found;
}
