/**
 * Which migrations are batched backfills. A batched statement commits batch by batch, so it cannot
 * share a transaction with anything: drydock requires it to be the only statement of its migration
 * (put the DDL it needs in the migration before, and what follows in the one after). That keeps a
 * resumed deploy simple and honest: rerunning the migration means continuing its batches, never
 * re-running DDL that already committed.
 */
import type { ParsedMigration } from '../engine/types';
import type { ParsedStatement } from '../parse/parser';
import { DrydockError } from '../util/errors';
import { BatchDirective, batchDirectiveOf } from './directive';
import { RangeRewriter, rangeRewriter } from './range-rewrite';

export interface BatchPlan {
  statement: ParsedStatement;
  directive: BatchDirective;
  rewriter: RangeRewriter;
}

const plans = new WeakMap<ParsedMigration, BatchPlan | null>();

/** The migration's batched statement, or null. Throws a DrydockError (path:line) for a misuse. */
export function batchPlanOf(pm: ParsedMigration): BatchPlan | null {
  if (plans.has(pm)) return plans.get(pm)!;
  const plan = buildPlan(pm.parsed.statements, pm.migration.path);
  plans.set(pm, plan);
  return plan;
}

export function buildPlan(statements: ParsedStatement[], path: string): BatchPlan | null {
  const batched = statements
    .map((statement) => ({ statement, directive: batchDirectiveOf(statement, path) }))
    .filter((b): b is { statement: ParsedStatement; directive: BatchDirective } => b.directive !== null);
  if (batched.length === 0) return null;
  const { statement, directive } = batched[0];
  if (statements.length > 1) {
    const others = statements.filter((s) => s !== statement).map((s) => `line ${s.line}: ${s.kind}`);
    throw new DrydockError('a drydock:batch statement must be the only statement of its migration', {
      position: { path, line: directive.line },
      details: [`other statements: ${others.join(', ')}`],
      fix: 'move the batched UPDATE/DELETE into a migration of its own: the DDL it needs in the migration before it, the rest in the one after (its batches commit one by one, outside any transaction)',
    });
  }
  return { statement, directive, rewriter: rangeRewriter(statement, directive, path) };
}
