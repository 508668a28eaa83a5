/**
 * Running one stored rollback script with the deploy's safety: lock_timeout and statement_timeout
 * on every statement, retries with backoff when a lock is not granted or the watchdog cancels, and
 * the `rolled_back` history row written in the same transaction as the script. A script with a
 * statement PostgreSQL refuses inside a transaction (DROP INDEX CONCURRENTLY…) runs statement by
 * statement; if it fails partway, a blocking `failed` row makes later deploys wait for
 * `drydock resolve`, exactly as a failed non-transactional migration does.
 */
import type { ApplyContext } from '../apply/context';
import { timeoutSql, withRetries } from '../apply/retry';
import { insertHistory, insertHistoryQuery, NewHistoryRow } from '../deploy/history';
import { parseSql, ParsedStatement } from '../parse/parser';

export interface ScriptRun {
  ok: boolean;
  durationMs: number;
  retries: number;
  error: string | null;
}

/** `row`: the history row recorded when the script succeeds (status rolled_back). */
export async function runRollbackScript(ctx: ApplyContext, script: string, label: string, row: NewHistoryRow): Promise<ScriptRun> {
  // drydock supplies the transaction: a BEGIN/COMMIT the down script carries is left out.
  const statements = parseSql(script, label).statements.filter((s) => !s.transactionControl);
  const started = Date.now();
  const run = statements.some((s) => s.nonTransactional)
    ? await statementByStatement(ctx, statements, label, row, started)
    : await inOneTransaction(ctx, statements, label, row, started);
  return { ...run, durationMs: Date.now() - started };
}

async function inOneTransaction(ctx: ApplyContext, statements: ParsedStatement[], label: string, row: NewHistoryRow, started: number) {
  const { client, settings } = ctx;
  const outcome = await withRetries(ctx, label, async () => {
    await client.query(
      `BEGIN; SET LOCAL lock_timeout = ${timeoutSql(settings.lockTimeoutMs)}; SET LOCAL statement_timeout = ${timeoutSql(settings.statementTimeoutMs)}`,
    );
    try {
      for (const statement of statements) await client.query(statement.sql);
      await client.query(insertHistoryQuery({ ...row, durationMs: Date.now() - started }));
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
  return { ok: outcome.ok, retries: outcome.retries, error: outcome.ok ? null : describe(outcome.error) };
}

async function statementByStatement(ctx: ApplyContext, statements: ParsedStatement[], label: string, row: NewHistoryRow, started: number) {
  const { client, settings } = ctx;
  let retries = 0;
  let done = 0;
  await client.query(`SET lock_timeout = ${timeoutSql(settings.lockTimeoutMs)}`);
  try {
    for (const statement of statements) {
      const timeout = statement.nonTransactional ? settings.concurrentStatementTimeoutMs : settings.statementTimeoutMs;
      await client.query(`SET statement_timeout = ${timeoutSql(timeout)}`);
      const outcome = await withRetries(ctx, `${label} statement ${statement.index + 1}`, () => client.query(statement.sql));
      retries += outcome.retries;
      if (!outcome.ok) {
        const error = describe(outcome.error);
        if (done > 0) {
          await insertHistory(client, {
            ...row,
            status: 'failed',
            blocksDeploy: true,
            durationMs: Date.now() - started,
            statementsDone: done,
            error: `rollback stopped after ${done} of ${statements.length} statements: ${error}`,
          });
        }
        return { ok: false, retries, error };
      }
      done++;
    }
    await insertHistory(client, { ...row, durationMs: Date.now() - started, statementsDone: done });
    return { ok: true, retries, error: null };
  } finally {
    await client.query('RESET lock_timeout; RESET statement_timeout').catch(() => undefined);
  }
}

function describe(error: unknown): string {
  const e = error as { message?: string; code?: string };
  return `${e.message ?? String(error)}${e.code ? ` (SQLSTATE ${e.code})` : ''}`;
}
