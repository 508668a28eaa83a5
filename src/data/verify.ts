/**
 * Data checks (the seed's validateData): SQL that holds assertions about the data a migration
 * leaves behind, e.g. `SELECT count(*) = 0 FROM users WHERE preferences IS NULL` or
 * `SELECT id FROM users WHERE preferences IS NULL LIMIT 5`. Each statement passes when it returns
 * no rows, or one row whose single value is true. They come from a sibling `<name>.verify.sql` or
 * from a `-- drydock:verify` section at the end of the migration file, and run after the migration
 * in the dry run and in the deploy, before the deploy commits: a failure rolls the migration back.
 * (sqitch verify scripts follow sqitch's own convention — fail by raising an error — and stay with
 * src/verify.)
 */
import type { ClientBase } from 'pg';
import type { MigrationFile } from '../discover/types';
import type { ParsedMigration } from '../engine/types';
import { parseSql, ParsedStatement } from '../parse/parser';
import { redact } from '../util/secrets';

export const VERIFY_SECTION = /^[ \t]*--[ \t]*drydock:verify[ \t]*\r?$/m;

export interface CheckOutcome {
  path: string;
  line: number;
  sql: string;
  ok: boolean;
  /** Why it failed: the rows it returned, or the server's error. */
  message: string | null;
}

export class CheckFailedError extends Error {
  constructor(readonly check: CheckOutcome) {
    super(`data check failed at ${check.path}:${check.line}: ${check.message} — query: ${check.sql}`);
  }
}

/** Move a `-- drydock:verify` section out of the migration's SQL into its verify script. */
export function splitVerifySection(file: MigrationFile): void {
  const match = VERIFY_SECTION.exec(file.sql);
  if (!match || file.verify) return;
  const before = file.sql.slice(0, match.index);
  const after = file.sql.slice(match.index + match[0].length);
  const linesBefore = before.split('\n').length - 1;
  // The section's SQL starts on the line after the marker.
  file.verify = { path: file.path, absPath: file.absPath, sql: after.replace(/^\n/, ''), sqlStartLine: file.sqlStartLine + linesBefore + 1 };
  file.sql = before;
}

/**
 * The migration's data check statements, or null. sqitch verify scripts, and any verify script that
 * carries its own BEGIN/ROLLBACK (sqitch's convention), are not data checks: src/verify runs them.
 */
function checkStatements(pm: ParsedMigration): ParsedStatement[] | null {
  const verify = pm.file.verify;
  if (!verify || pm.file.layout === 'sqitch') return null;
  const { statements } = parseSql(verify.sql, verify.path, { lineOffset: verify.sqlStartLine - 1 });
  return statements.some((s) => s.transactionControl) ? null : statements;
}

export function hasChecks(pm: ParsedMigration): boolean {
  return checkStatements(pm) !== null;
}

/** Run every check in order; stops at the first failure. Runs inside the caller's transaction. */
export async function runChecks(client: ClientBase, pm: ParsedMigration): Promise<CheckOutcome[]> {
  const statements = checkStatements(pm);
  if (!statements) return [];
  const verify = pm.file.verify!;
  const outcomes: CheckOutcome[] = [];
  for (const statement of statements) {
    const base = { path: verify.path, line: statement.line, sql: statement.sql };
    let outcome: CheckOutcome;
    try {
      const { rows, fields } = await client.query(statement.sql);
      outcome = { ...base, ...judge(rows, fields.length) };
    } catch (error) {
      outcome = { ...base, ok: false, message: redact(`the check raised an error: ${(error as Error).message}`) };
    }
    outcomes.push(outcome);
    if (!outcome.ok) break;
  }
  return outcomes;
}

function judge(rows: Record<string, unknown>[], columns: number): { ok: boolean; message: string | null } {
  if (rows.length === 0) return { ok: true, message: null };
  if (rows.length === 1 && columns === 1 && Object.values(rows[0])[0] === true) return { ok: true, message: null };
  const sample = JSON.stringify(rows.slice(0, 3));
  return { ok: false, message: redact(`expected no rows or true, got ${rows.length} row(s): ${sample.length > 300 ? `${sample.slice(0, 300)}…` : sample}`) };
}

export function firstFailure(outcomes: CheckOutcome[]): CheckOutcome | null {
  return outcomes.find((o) => !o.ok) ?? null;
}
