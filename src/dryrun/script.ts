/**
 * A SQL script the dry run executes: a migration's up or down SQL, or the setup SQL. Keeps the
 * parsed statements together with the text they came from, so server error positions map back
 * to path:line:column in the file.
 */
import type { ParsedMigration } from '../engine/types';
import type { ParsedStatement } from '../parse/parser';
import { SourceText } from '../parse/parser';

export interface Script {
  path: string;
  source: SourceText;
  statements: ParsedStatement[];
  /** Whether drydock wraps the script in one transaction (unless it carries its own BEGIN/COMMIT). */
  transactional: boolean;
}

export function upScript(m: ParsedMigration): Script {
  return {
    path: m.file.path,
    source: new SourceText(m.file.sql, m.file.sqlStartLine - 1),
    statements: m.parsed.statements,
    transactional: m.file.transactional,
  };
}

export function downScript(m: ParsedMigration): Script | null {
  if (!m.parsedDown || !m.file.down) return null;
  return {
    path: m.file.down.path,
    source: new SourceText(m.file.down.sql, m.file.down.sqlStartLine - 1),
    statements: m.parsedDown.statements,
    transactional: m.file.transactional,
  };
}

/** A file that manages its own transactions is run as written, without drydock's BEGIN/COMMIT. */
export function carriesOwnTransactions(script: Script): boolean {
  return script.statements.some((s) => s.transactionControl);
}

/** How the script's statements are sent: inside one drydock transaction, or one by one as written. */
export function wrapsInTransaction(script: Script): boolean {
  return script.transactional && !carriesOwnTransactions(script);
}
