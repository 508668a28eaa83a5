/** Apply one migration the way its file asks (see ./mode.ts). */
import { applyBatchedMigration } from '../data/apply-batched';
import { applyCodeMigration } from '../data/apply-code';
import { batchPlanOf } from '../data/batch-plan';
import { isCodeMigrationPath } from '../data/code-migration';
import type { ParsedMigration } from '../engine/types';
import type { ApplyContext } from './context';
import { planApply } from './mode';
import { applyStatementByStatement } from './statements';
import { applyInTransaction } from './transactional';
import type { MigrationApplyResult } from './types';

export type { ApplyContext } from './context';
export { openApplyContext } from './context';
export { Watchdog } from './watchdog';
export { Progress } from './progress';
export * from './types';

export async function applyMigration(ctx: ApplyContext, pm: ParsedMigration, label: string): Promise<MigrationApplyResult> {
  // Data migrations (src/data): a TypeScript/JavaScript module, or a drydock:batch backfill.
  if (isCodeMigrationPath(pm.file.path)) return applyCodeMigration(ctx, pm, label);
  const batch = batchPlanOf(pm);
  if (batch) return applyBatchedMigration(ctx, pm, batch, label, { monitorUrl: ctx.databaseUrl ?? null });
  const plan = planApply(pm);
  if (plan.mode === 'transaction') return applyInTransaction(ctx, pm, plan.statements, label);
  return applyStatementByStatement(ctx, pm, plan.statements, plan.mode, label);
}
