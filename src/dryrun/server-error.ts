/**
 * Server errors mapped back into the migration file: the failing statement's path, the line and
 * column of the server's error cursor (error.position) when it gives one, the message, detail and hint.
 */
import type { ParsedStatement } from '../parse/parser';
import type { ServerError } from '../report/types';
import { DrydockError } from '../util/errors';
import { redact } from '../util/secrets';
import type { Script } from './script';

interface PgErrorFields {
  message: string;
  code?: string;
  detail?: string;
  hint?: string;
  position?: string;
}

/**
 * `prefixLength`: characters sent before the statement's text in the same query string (drydock
 * may send "BEGIN;\n" and a WAL probe in the same round trip).
 */
export function locateServerError(error: unknown, script: Script, statement: ParsedStatement, prefixLength: number): ServerError {
  const e = error as PgErrorFields;
  let offset = statement.start;
  const cursor = e.position ? Number(e.position) - 1 - prefixLength : -1;
  if (cursor >= 0 && cursor <= [...statement.sql].length) offset = statement.start + codePointsToChars(statement.sql, cursor);
  const { line, column } = script.source.position(offset);
  const located: ServerError = { message: redact(e.message ?? String(error)), path: script.path, line, column };
  if (e.code) located.code = e.code;
  if (e.detail) located.detail = redact(e.detail);
  if (e.hint) located.hint = redact(e.hint);
  return located;
}

function codePointsToChars(text: string, codePoints: number): number {
  let i = 0;
  for (let n = 0; n < codePoints && i < text.length; n++) i += text.codePointAt(i)! >= 0x10000 ? 2 : 1;
  return i;
}

/** True for errors the server sent (as opposed to a broken connection or a bug). */
export function isServerError(error: unknown): boolean {
  return typeof (error as { code?: unknown }).code === 'string' && /^[0-9A-Z]{5}$/.test((error as { code: string }).code);
}

/** The user-facing error for a statement that failed while replaying history or setup SQL. */
export function replayFailure(located: ServerError, script: Script, what: string): DrydockError {
  const lineText = script.source.lineText(located.line);
  const details = [`  ${lineText}`, `  ${' '.repeat(Math.max(0, located.column - 1))}^`];
  if (located.code) details.push(`SQLSTATE: ${located.code}`);
  if (located.detail) details.push(`DETAIL: ${located.detail}`);
  if (located.hint) details.push(`HINT: ${located.hint}`);
  return new DrydockError(`${what} failed in the dry-run database: ${located.message}`, {
    position: { path: located.path, line: located.line, column: located.column },
    details,
    fix: located.code === SYNTAX_ERROR ? NEWER_SYNTAX_FIX : PREREQUISITES_FIX,
  });
}

const SYNTAX_ERROR = '42601';
/** drydock's parser (PostgreSQL 18's) accepted the file: the server is older, or the error is in a function body. */
const NEWER_SYNTAX_FIX =
  "PostgreSQL 18's parser accepts this SQL but the dry-run server does not: if the server is older than the version " +
  'the migration was written for, run the dry run on the version production uses (--pg-version N, or --shadow-url); ' +
  'a syntax error inside a function body (which only the server checks) is for the migration to correct';
const PREREQUISITES_FIX =
  'if it needs platform prerequisites (roles, extensions, schemas, tables the runner creates), create them in ' +
  'a setup file passed with --setup-sql FILE (config "setupSql"); otherwise correct the migration';

/** undefined_object (roles, types), undefined_table, invalid_schema_name, undefined_function. */
const MISSING_OBJECT = new Set(['42704', '42P01', '3F000', '42883']);

/**
 * What to do about a new migration's statement that failed in the dry run: the server's hint when it
 * gives one; for a missing role, table, schema or function, the two ways it can be missing (Supabase's
 * `supabase_admin`, say, comes with the platform, not with a migration).
 */
export function failureFix(error: ServerError): string | null {
  if (error.hint) return error.hint;
  if (!error.code || !MISSING_OBJECT.has(error.code)) return null;
  return (
    'if production has it from outside the migrations (a platform role, extension, schema or table the runner ' +
    'creates), create it in a setup file passed with --setup-sql FILE (config "setupSql"); otherwise the migration ' +
    'uses something no earlier migration creates'
  );
}
