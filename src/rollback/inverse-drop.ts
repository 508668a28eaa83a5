/**
 * Inverses of DROP: a dropped table, column or sequence takes its data along (restore from the
 * backup), but an index, view, function, trigger, enum or empty schema is pure definition and comes
 * back from the catalog taken before the migration.
 */
import { Node, list, names, unwrap } from '../analyse/ast';
import type { CatalogSnapshot } from '../schema';
import { catalogName, dataLoss, inverse, InverseContext, Inversion, needsCatalog, noOp, notGenerated } from './context';
import { quoteIdent, quoteLiteral, quoteNames } from '../parse/quote';
import { identityArity } from './type-text';

const DATA_OBJECTS: Record<string, string> = {
  OBJECT_TABLE: 'table',
  OBJECT_SEQUENCE: 'sequence',
  OBJECT_FOREIGN_TABLE: 'foreign table',
};

type Recreate = (parts: string[], key: string, before: CatalogSnapshot, node: Node) => string[] | null;

const RECREATE: Record<string, { label: string; sql: Recreate }> = {
  OBJECT_INDEX: {
    label: 'index',
    sql: (_parts, key, before, node) => {
      const definition = before.indexes[key];
      if (!definition) return null;
      return [node.concurrent ? definition.replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX CONCURRENTLY ') : definition];
    },
  },
  OBJECT_VIEW: {
    label: 'view',
    sql: (parts, key, before) => {
      const definition = before.views[key];
      if (!definition?.startsWith('view: ')) return null;
      return [`CREATE VIEW ${quoteNames(parts)} AS ${definition.slice('view: '.length).replace(/;\s*$/, '')}`];
    },
  },
  OBJECT_MATVIEW: {
    label: 'materialized view',
    sql: (parts, key, before) => {
      const definition = before.views[key];
      if (!definition?.startsWith('materialized view: ')) return null;
      const indexes = Object.values(before.indexes).filter((d) => d.includes(` ON ${key} `));
      return [`CREATE MATERIALIZED VIEW ${quoteNames(parts)} AS ${definition.slice('materialized view: '.length).replace(/;\s*$/, '')}`, ...indexes];
    },
  },
  OBJECT_TYPE: {
    label: 'type',
    sql: (parts, key, before) => {
      const definition = before.types[key];
      const values = definition && /^enum \((.*)\)$/.exec(definition);
      if (values) return [`CREATE TYPE ${quoteNames(parts)} AS ENUM (${values[1]})`];
      const composite = definition && /^composite \((.*)\)$/.exec(definition);
      if (composite) return [`CREATE TYPE ${quoteNames(parts)} AS (${composite[1]})`];
      return null;
    },
  },
  OBJECT_SCHEMA: {
    label: 'schema',
    sql: (parts, _key, before) => (before.schemas.includes(parts[0]) ? [`CREATE SCHEMA ${quoteIdent(parts[0])}`] : null),
  },
  OBJECT_EXTENSION: {
    label: 'extension',
    sql: (parts, _key, before) => {
      const match = before.extensions[parts[0]] && /^(\S+) in (.+)$/.exec(before.extensions[parts[0]]);
      if (!match) return null;
      return [`CREATE EXTENSION ${quoteIdent(parts[0])} WITH SCHEMA ${quoteIdent(match[2])} VERSION ${quoteLiteral(match[1])}`];
    },
  },
};

export function invertDrop(node: Node, ctx: InverseContext): Inversion {
  const type = node.removeType as string;
  const objects = list(node.objects);
  if (objects.length !== 1) return notGenerated('a DROP of several objects is not inverted; drop one per statement');
  const object = objects[0];
  if (node.behavior === 'DROP_CASCADE') return dataLoss('DROP … CASCADE may drop dependent objects drydock cannot list');
  if (DATA_OBJECTS[type]) {
    const parts = names(object);
    const key = qualifiedKey(parts);
    if (ctx.created.has(type === 'OBJECT_SEQUENCE' ? 'sequence' : 'table', key)) return noOp(`${DATA_OBJECTS[type]} ${key} was created by this migration`);
    return dataLoss(`DROP ${DATA_OBJECTS[type].toUpperCase()} ${key} destroys its data`);
  }
  if (type === 'OBJECT_FUNCTION' || type === 'OBJECT_PROCEDURE') return invertDropFunction(unwrap(object, 'ObjectWithArgs') ?? {}, node, ctx);
  if (type === 'OBJECT_TRIGGER') return invertDropTrigger(names(object), node, ctx);
  const recreate = RECREATE[type];
  if (!recreate) return notGenerated(`DROP ${type.replace('OBJECT_', '')} is not inverted`);
  const parts = objectNames(type, object);
  const key = type === 'OBJECT_SCHEMA' || type === 'OBJECT_EXTENSION' ? parts[0] : qualifiedKey(parts);
  if (!ctx.before) return needsCatalog(`recreating ${recreate.label} ${key}`);
  const sql = recreate.sql(parts, key, ctx.before, node);
  if (sql) return inverse(`DROP ${recreate.label.toUpperCase()} → recreate it from the catalog before the migration`, ...sql);
  if (node.missing_ok && !existsBefore(type, key, ctx.before)) return noOp(`${recreate.label} ${key} did not exist: IF EXISTS did nothing`);
  return notGenerated(`${recreate.label} ${key} cannot be recreated from the catalog`);
}

function existsBefore(type: string, key: string, before: CatalogSnapshot): boolean {
  switch (type) {
    case 'OBJECT_INDEX':
      return key in before.indexes;
    case 'OBJECT_VIEW':
    case 'OBJECT_MATVIEW':
      return key in before.views;
    case 'OBJECT_TYPE':
      return key in before.types;
    case 'OBJECT_SCHEMA':
      return before.schemas.includes(key);
    default:
      return key in before.extensions;
  }
}

/** Schemas and extensions are one String; types are TypeNames; relations are name lists. */
function objectNames(type: string, object: Node): string[] {
  if (type === 'OBJECT_SCHEMA' || type === 'OBJECT_EXTENSION') return [unwrap(object, 'String')?.sval as string];
  const typeName = unwrap(object, 'TypeName');
  return names(typeName ? typeName.names : object);
}

function qualifiedKey(parts: string[]): string {
  return catalogName(parts.length > 1 ? parts[parts.length - 2] : undefined, parts[parts.length - 1]);
}

function invertDropFunction(owa: Node, node: Node, ctx: InverseContext): Inversion {
  const parts = names(owa.objname);
  const key = qualifiedKey(parts);
  if (!ctx.before) return needsCatalog(`recreating function ${key}`);
  const prefix = `${key}(`;
  const arity = list(owa.objargs).length;
  const candidates = Object.keys(ctx.before.functions).filter(
    (k) => k.startsWith(prefix) && (owa.args_unspecified || identityArity(k.slice(prefix.length, -1)) === arity),
  );
  if (candidates.length === 0) {
    return node.missing_ok ? noOp(`function ${key} did not exist: IF EXISTS did nothing`) : notGenerated(`function ${key} is not in the catalog before the migration`);
  }
  if (candidates.length > 1) return notGenerated(`several overloads of ${key} match; drydock cannot tell which one was dropped`);
  const definition = ctx.before.functions[candidates[0]];
  if (definition.startsWith('aggregate ')) return notGenerated(`aggregate ${key} cannot be recreated from the catalog`);
  return inverse('DROP FUNCTION → recreate it from the catalog before the migration', definition.replace(/;\s*$/, ''));
}

function invertDropTrigger(parts: string[], node: Node, ctx: InverseContext): Inversion {
  const trigger = parts[parts.length - 1];
  const table = qualifiedKey(parts.slice(0, -1));
  if (!ctx.before) return needsCatalog(`recreating trigger ${trigger}`);
  const definition = ctx.before.tables[table]?.triggers[trigger];
  if (definition) return inverse('DROP TRIGGER → recreate it from the catalog before the migration', definition);
  return node.missing_ok ? noOp(`trigger ${trigger} did not exist: IF EXISTS did nothing`) : notGenerated(`trigger ${trigger} on ${table} is not in the catalog before the migration`);
}
