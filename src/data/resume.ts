/** Whether an interrupted run of this migration can simply be continued by the next deploy. */
import type { ParsedMigration } from '../engine/types';
import { batchPlanOf } from './batch-plan';
import { isCodeMigrationPath } from './code-migration';

export function isResumableBackfill(pm: ParsedMigration): boolean {
  return !isCodeMigrationPath(pm.file.path) && batchPlanOf(pm) !== null;
}
