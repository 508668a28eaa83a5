/** Which server errors the apply loop retries, and how a failure is described. */
import type { ParsedMigration } from '../engine/types';
import type { ParsedStatement } from '../parse/parser';
import type { ApplyError } from './types';

export const LOCK_NOT_AVAILABLE = '55P03';
export const QUERY_CANCELED = '57014';
export const DEADLOCK_DETECTED = '40P01';

export interface ServerErrorLike {
  message: string;
  code?: string;
}

export function sqlState(error: unknown): string | undefined {
  return (error as { code?: string } | null)?.code;
}

export type RetryReason = 'lock timeout' | 'watchdog cancel' | 'deadlock';

/** Why the attempt may be retried, or null when the failure is final. `watchdogFired`: the watchdog cancelled during it. */
export function retryReason(error: unknown, watchdogFired: boolean): RetryReason | null {
  const code = sqlState(error);
  if (code === LOCK_NOT_AVAILABLE) return 'lock timeout';
  if (code === QUERY_CANCELED && watchdogFired) return 'watchdog cancel';
  if (code === DEADLOCK_DETECTED) return 'deadlock';
  return null;
}

export function toApplyError(error: unknown, pm: ParsedMigration, statement: ParsedStatement | null, committed: number): ApplyError {
  const e = error as ServerErrorLike;
  return {
    message: e.message ?? String(error),
    code: e.code,
    path: pm.migration.path,
    line: statement?.line ?? 1,
    statementIndex: statement?.index ?? -1,
    committedStatements: committed,
  };
}

export function describeApplyError(error: ApplyError): string {
  const code = error.code ? ` (SQLSTATE ${error.code})` : '';
  return `${error.path}:${error.line}: ${error.message}${code}`;
}
