/**
 * The rollback script as stored in migration_history.rollback_script: the SQL with a header of
 * drydock comments, so the rollback knows — without the migration files, which may have changed —
 * where the script came from and which up statements it cannot undo. The comments are SQL
 * comments, so the stored text runs as it is.
 */
import type { RollbackSource, RollbackStep } from './types';

const IRREVERSIBLE_MARKER = '-- drydock:irreversible ';
const SOURCE_MARKER = '-- drydock:rollback ';

export interface StoredScriptInfo {
  source: RollbackSource | 'unknown';
  /** "statement 2 (line 3): DROP COLUMN email destroys the column's data; restore from the backup" */
  irreversible: string[];
}

export function formatStoredScript(version: string, source: RollbackSource, sql: string, irreversible: RollbackStep[]): string {
  const header = [`${SOURCE_MARKER}${source} for ${version}`];
  for (const step of irreversible) header.push(`${IRREVERSIBLE_MARKER}${describeStep(step)}`);
  return `${header.join('\n')}\n${sql.trim()}\n`;
}

export function describeStep(step: RollbackStep): string {
  return `statement ${step.statementIndex + 1} (line ${step.line}): ${step.reason.replace(/\s+/g, ' ')}`;
}

/** Read the header back. Scripts stored without one (a plain down script) carry no irreversible steps. */
export function readStoredScript(script: string): StoredScriptInfo {
  const info: StoredScriptInfo = { source: 'unknown', irreversible: [] };
  for (const line of script.split('\n')) {
    if (line.startsWith(SOURCE_MARKER)) info.source = line.slice(SOURCE_MARKER.length).split(' ')[0] as RollbackSource;
    else if (line.startsWith(IRREVERSIBLE_MARKER)) info.irreversible.push(line.slice(IRREVERSIBLE_MARKER.length));
  }
  return info;
}
