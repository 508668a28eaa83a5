/** Apply one migration the way its file asks (see ./mode.ts). */
import type { ParsedMigration } from '../engine/types';
import type { ApplyContext } from './context';
import { planApply } from './mode';
import { applyStatementByStatement } from './statements';
import { applyInTransaction } from './transactional';
import type { MigrationApplyResult } from './types';

export type { ApplyContext } from './context';
export { Watchdog } from './watchdog';
export { Progress } from './progress';
export * from './types';

export async function applyMigration(ctx: ApplyContext, pm: ParsedMigration, label: string): Promise<MigrationApplyResult> {
  const plan = planApply(pm);
  if (plan.mode === 'transaction') return applyInTransaction(ctx, pm, plan.statements, label);
  return applyStatementByStatement(ctx, pm, plan.statements, plan.mode, label);
}
