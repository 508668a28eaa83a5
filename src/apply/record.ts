/** The pieces every apply mode shares: the history fields of a migration and its result object. */
import type { ParsedMigration } from '../engine/types';
import type { ApplyContext } from './context';
import type { ApplyMode, MigrationApplyResult, StatementTiming, TableSize } from './types';

export function historyFields(ctx: ApplyContext, pm: ParsedMigration) {
  const m = pm.migration;
  return {
    version: m.id,
    description: m.description,
    path: m.path,
    checksum: m.checksum,
    appliedBy: ctx.record.appliedBy,
    deployId: ctx.record.deployId,
    backupLocation: ctx.record.backupLocation,
    pitrLsn: ctx.record.pitrLsn,
    pitrTime: ctx.record.pitrTime,
    rollbackScript: ctx.record.rollbackScript,
  };
}

export function result(
  pm: ParsedMigration,
  status: MigrationApplyResult['status'],
  durationMs: number,
  walBytes: number | null,
  statements: StatementTiming[],
  sizes: TableSize[],
  retries: number,
  mode: ApplyMode = 'transaction',
): MigrationApplyResult {
  return {
    version: pm.migration.id,
    description: pm.migration.description,
    path: pm.migration.path,
    status,
    mode,
    durationMs,
    walBytes,
    statements,
    sizes,
    retries,
    error: null,
    cleanup: [],
  };
}

export function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
