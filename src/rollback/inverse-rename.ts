/**
 * Renames turn back into the rename the other way; enum value renames too. ALTER TYPE … ADD VALUE
 * cannot be undone: PostgreSQL has no way to remove an enum value.
 */
import { Node, names, unwrap } from '../analyse/ast';
import { catalogName, dataLoss, inverse, InverseContext, Inversion, notGenerated, noOp } from './context';
import { relationOf, relationSql } from './inverse-create';
import { quoteIdent, quoteLiteral, quoteNames, quoteQualified } from '../parse/quote';
import { objectArgsText } from './type-text';

const RELATION_WORDS: Record<string, string> = {
  OBJECT_TABLE: 'TABLE',
  OBJECT_VIEW: 'VIEW',
  OBJECT_MATVIEW: 'MATERIALIZED VIEW',
  OBJECT_INDEX: 'INDEX',
  OBJECT_SEQUENCE: 'SEQUENCE',
  OBJECT_FOREIGN_TABLE: 'FOREIGN TABLE',
};

export function invertRename(node: Node, ctx: InverseContext): Inversion {
  const type = node.renameType as string;
  const newName = node.newname as string;
  if (RELATION_WORDS[type]) {
    const rv = relationOf(node.relation);
    const word = RELATION_WORDS[type];
    // A table this migration created is still its own under the new name.
    if (ctx.created.has('table', catalogName(rv.schemaname, rv.relname))) ctx.created.add('table', catalogName(rv.schemaname, newName));
    return inverse(`RENAME ${word} → the rename back`, `ALTER ${word} ${quoteQualified(rv.schemaname, newName)} RENAME TO ${quoteIdent(rv.relname)}`);
  }
  if (type === 'OBJECT_COLUMN' || type === 'OBJECT_TABCONSTRAINT') {
    const rv = relationOf(node.relation);
    const word = type === 'OBJECT_COLUMN' ? 'COLUMN' : 'CONSTRAINT';
    const relationWord = RELATION_WORDS[node.relationType as string] ?? 'TABLE';
    const key = `${catalogName(rv.schemaname, rv.relname)}.${newName}`;
    if (ctx.created.has(word.toLowerCase(), `${catalogName(rv.schemaname, rv.relname)}.${node.subname as string}`)) ctx.created.add(word.toLowerCase(), key);
    return inverse(
      `RENAME ${word} → the rename back`,
      `ALTER ${relationWord} ${relationSql(rv)} RENAME ${word} ${quoteIdent(newName)} TO ${quoteIdent(node.subname as string)}`,
    );
  }
  if (type === 'OBJECT_TRIGGER' || type === 'OBJECT_POLICY') {
    const rv = relationOf(node.relation);
    const word = type === 'OBJECT_TRIGGER' ? 'TRIGGER' : 'POLICY';
    return inverse(`RENAME ${word} → the rename back`, `ALTER ${word} ${quoteIdent(newName)} ON ${relationSql(rv)} RENAME TO ${quoteIdent(node.subname as string)}`);
  }
  if (type === 'OBJECT_SCHEMA') {
    return inverse('RENAME SCHEMA → the rename back', `ALTER SCHEMA ${quoteIdent(newName)} RENAME TO ${quoteIdent(node.subname as string)}`);
  }
  if (type === 'OBJECT_TYPE' || type === 'OBJECT_DOMAIN') {
    const parts = names(node.object);
    const word = type === 'OBJECT_TYPE' ? 'TYPE' : 'DOMAIN';
    const renamed = [...parts.slice(0, -1), newName];
    return inverse(`RENAME ${word} → the rename back`, `ALTER ${word} ${quoteNames(renamed)} RENAME TO ${quoteIdent(parts[parts.length - 1])}`);
  }
  if (type === 'OBJECT_FUNCTION' || type === 'OBJECT_PROCEDURE') {
    const owa = unwrap(node.object, 'ObjectWithArgs') ?? {};
    const parts = names(owa.objname);
    const args = objectArgsText(owa);
    if (args === null) return notGenerated('the function has a %TYPE argument');
    const word = type === 'OBJECT_FUNCTION' ? 'FUNCTION' : 'PROCEDURE';
    return inverse(`RENAME ${word} → the rename back`, `ALTER ${word} ${quoteNames([...parts.slice(0, -1), newName])}${args} RENAME TO ${quoteIdent(parts[parts.length - 1])}`);
  }
  return notGenerated(`RENAME of ${type.replace('OBJECT_', '').toLowerCase()} is not inverted`);
}

export function invertAlterEnum(node: Node, ctx: InverseContext): Inversion {
  const parts = names(node.typeName);
  const key = catalogName(parts.length > 1 ? parts[parts.length - 2] : undefined, parts[parts.length - 1]);
  if (ctx.created.has('type', key)) return noOp(`type ${key} was created by this migration`);
  if (node.oldVal) {
    return inverse(
      'RENAME VALUE → the rename back',
      `ALTER TYPE ${quoteNames(parts)} RENAME VALUE ${quoteLiteral(node.newVal as string)} TO ${quoteLiteral(node.oldVal as string)}`,
    );
  }
  return dataLoss(`ALTER TYPE ${key} ADD VALUE cannot be undone: PostgreSQL cannot remove an enum value once rows may use it`);
}

export function invertSetSchema(node: Node, ctx: InverseContext): Inversion {
  const word = RELATION_WORDS[node.objectType as string];
  if (!word || !node.relation) return notGenerated(`SET SCHEMA of ${String(node.objectType).replace('OBJECT_', '').toLowerCase()} is not inverted`);
  const rv = relationOf(node.relation);
  if (!rv.schemaname) return notGenerated('SET SCHEMA of an unqualified name: drydock cannot tell which schema it came from; qualify it');
  ctx.created.add('table', catalogName(node.newschema as string, rv.relname));
  return inverse(
    'SET SCHEMA → move it back',
    `ALTER ${word} ${quoteQualified(node.newschema as string, rv.relname)} SET SCHEMA ${quoteIdent(rv.schemaname)}`,
  );
}
