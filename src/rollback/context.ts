/**
 * What inverting one statement can see: the catalog from before the migration (the dry run's
 * snapshot, or the deploy's snapshot of the target) and the objects earlier statements of the same
 * migration created. A change to an object the migration itself created needs no inverse of its own:
 * the inverse of the creation (run later, since inverses run in reverse order) removes it whole.
 */
import { qualify } from '../analyse/ast';
import type { ParsedStatement } from '../parse/parser';
import type { CatalogSnapshot, ColumnSnapshot, TableSnapshot } from '../schema';
import type { StepCategory } from './types';

export interface Inversion {
  category: StepCategory;
  /** Inverse statements, in the order they run. Empty unless category is 'inverse'. */
  sql: string[];
  reason: string;
}

export const inverse = (reason: string, ...sql: string[]): Inversion => ({ category: 'inverse', sql, reason });
export const noOp = (reason: string): Inversion => ({ category: 'no-op', sql: [], reason });
export const dataLoss = (reason: string): Inversion => ({ category: 'data-loss', sql: [], reason: `${reason}; restore from the backup` });
export const notGenerated = (reason: string): Inversion => ({
  category: 'not-generated',
  sql: [],
  reason: `${reason}; write a down script`,
});
export const needsCatalog = (what: string): Inversion =>
  notGenerated(`${what} needs the catalog from before the migration (the dry run or deploy provides it)`);

/** Objects created earlier in the migration, by kind and schema-qualified name ("public.t", "public.t.col"). */
export class CreatedObjects {
  private readonly names = new Set<string>();

  add(kind: string, name: string): void {
    this.names.add(`${kind} ${name}`);
  }

  has(kind: string, name: string): boolean {
    return this.names.has(`${kind} ${name}`);
  }
}

export interface InverseContext {
  statement: ParsedStatement;
  before: CatalogSnapshot | null;
  created: CreatedObjects;
}

/** A relation as the catalog keys it: unqualified names resolve to public, like ast.qualify. */
export function catalogName(schema: string | undefined | null, name: string): string {
  return qualify(schema ?? undefined, name);
}

export function tableBefore(ctx: InverseContext, qualified: string): TableSnapshot | undefined {
  return ctx.before?.tables[qualified];
}

export function columnBefore(ctx: InverseContext, qualified: string, column: string): ColumnSnapshot | undefined {
  return ctx.before?.tables[qualified]?.columns[column];
}

/** The table was created by this migration: its inverse drops it with everything on it. */
export function createdTable(ctx: InverseContext, qualified: string): boolean {
  return ctx.created.has('table', qualified);
}

export function createdColumn(ctx: InverseContext, qualified: string, column: string): boolean {
  return createdTable(ctx, qualified) || ctx.created.has('column', `${qualified}.${column}`);
}
