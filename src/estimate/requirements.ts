/**
 * What the synthetic rows must satisfy for the statement under calibration to succeed: SET NOT
 * NULL needs no NULLs, a UNIQUE index distinct keys, a foreign key values present in the parent.
 * Constraints already in the catalog are read there (./synth.ts); these come from the statement.
 */
import { alterCommands, constraintOf } from './classify';

type Ast = Record<string, unknown>;

export interface ForeignKeyRequirement {
  column: string;
  /** Parent table as written: schema may be absent (search_path). */
  parentSchema: string | null;
  parentTable: string;
  /** Null: the parent's primary key. */
  parentColumn: string | null;
}

export interface DataRequirements {
  notNull: string[];
  unique: string[];
  foreignKeys: ForeignKeyRequirement[];
}

export function dataRequirements(ast: Ast | undefined): DataRequirements {
  const req: DataRequirements = { notNull: [], unique: [], foreignKeys: [] };
  if (!ast) return req;
  const index = ast.IndexStmt as Ast | undefined;
  if (index?.unique) {
    const first = ((index.indexParams as Ast[]) ?? [])[0]?.IndexElem as Ast | undefined;
    if (typeof first?.name === 'string') req.unique.push(first.name);
  }
  for (const cmd of alterCommands(ast)) {
    if (cmd.subtype === 'AT_SetNotNull' && typeof cmd.name === 'string') req.notNull.push(cmd.name);
    const c = constraintOf(cmd);
    if (!c) continue;
    const keys = names(c.keys);
    if (c.contype === 'CONSTR_PRIMARY') req.notNull.push(...keys);
    if ((c.contype === 'CONSTR_PRIMARY' || c.contype === 'CONSTR_UNIQUE') && keys.length > 0) req.unique.push(keys[0]);
    if (c.contype === 'CONSTR_FOREIGN') {
      const fk = names(c.fk_attrs);
      const pk = names(c.pk_attrs);
      const parent = c.pktable as Ast | undefined;
      if (fk.length === 1 && parent) {
        req.foreignKeys.push({
          column: fk[0],
          parentSchema: typeof parent.schemaname === 'string' ? parent.schemaname : null,
          parentTable: String(parent.relname),
          parentColumn: pk[0] ?? null,
        });
      }
    }
  }
  return req;
}

function names(list: unknown): string[] {
  return ((list as Ast[] | undefined) ?? []).map((n) => (n.String as Ast | undefined)?.sval).filter((s): s is string => typeof s === 'string');
}
