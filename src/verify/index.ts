/**
 * Verify after apply: the target's catalog compared with the schema the dry run produced (drift
 * means production had objects the migrations did not expect, or a migration behaved differently
 * there), then the verify scripts of the migrations just applied. A verify script runs inside a
 * transaction that is always rolled back, so it can only read; any error fails it.
 */
import type { ClientBase } from 'pg';
import type { ParsedMigration } from '../engine/types';
import { loadParser, parseSql } from '../parse/parser';
import { diffCatalogs, snapshotCatalog } from '../schema';
import type { VerifyOptions, VerifyResult, VerifyScriptResult } from './types';

export type { VerifyOptions, VerifyResult, VerifyScriptResult } from './types';

export async function verifyDeploy(client: ClientBase, applied: ParsedMigration[], options: VerifyOptions): Promise<VerifyResult> {
  const lines: string[] = [];
  let drift: string[] | null = null;
  if (options.expectedCatalog) {
    drift = diffCatalogs(options.expectedCatalog, await snapshotCatalog(client));
    lines.push(drift.length === 0 ? 'catalog matches the dry run' : `catalog drift from the dry run (${drift.length}):`);
    lines.push(...drift.map((d) => `  ${d}`));
  }
  const scripts: VerifyScriptResult[] = [];
  if (options.scripts !== false) {
    for (const pm of applied) {
      const verify = pm.file.verify;
      if (!verify) continue;
      const outcome = await runVerifyScript(client, verify);
      scripts.push({ version: pm.migration.id, path: verify.path, ...outcome });
      lines.push(outcome.status === 'pass' ? `verify ${verify.path}: pass` : `verify ${verify.path}: FAIL ${outcome.error}`);
    }
  }
  const ok = (drift === null || drift.length === 0) && scripts.every((s) => s.status === 'pass');
  return { drift, scripts, ok, lines };
}

async function runVerifyScript(
  client: ClientBase,
  verify: NonNullable<ParsedMigration['file']['verify']>,
): Promise<{ status: 'pass' | 'fail'; error?: string }> {
  await loadParser();
  const parsed = parseSql(verify.sql, verify.path, { lineOffset: verify.sqlStartLine - 1 });
  await client.query('BEGIN');
  try {
    for (const statement of parsed.statements) {
      if (statement.transactionControl) continue; // the script's own BEGIN/ROLLBACK: ours wraps it
      try {
        await client.query(statement.sql);
      } catch (error) {
        return { status: 'fail', error: `${verify.path}:${statement.line}: ${(error as Error).message}` };
      }
    }
    return { status: 'pass' };
  } finally {
    await client.query('ROLLBACK');
  }
}
