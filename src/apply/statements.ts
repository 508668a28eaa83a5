/**
 * A non-transactional migration, one autocommit statement per round trip (also a file with its
 * own BEGIN/COMMIT in the middle, run as written). Committed statements cannot be undone, so a
 * `running` history row is written first and updated as statements complete: a crash leaves it
 * `running`, a failure after a commit leaves it `failed` with blocks_deploy set, and either way
 * later deploys refuse until `drydock resolve`. A failed CREATE INDEX CONCURRENTLY leaves an INVALID
 * index: it is dropped before a retry, and named as the cleanup when the migration gives up.
 */
import type { ClientBase } from 'pg';
import { insertHistory, updateHistory } from '../deploy/history';
import type { ParsedMigration } from '../engine/types';
import type { ParsedStatement } from '../parse/parser';
import { transactionControlKind } from '../parse/transaction';
import type { ApplyContext } from './context';
import { describeApplyError, toApplyError } from './errors';
import { compareMeasurements, measure } from './measure';
import { historyFields, result, round } from './record';
import { regclassText, relationsOfMigration, relationsOfStatements } from './relations';
import { timeoutSql, withRetries } from './retry';
import type { ApplyMode, MigrationApplyResult, StatementTiming } from './types';

export async function applyStatementByStatement(
  ctx: ApplyContext,
  pm: ParsedMigration,
  statements: ParsedStatement[],
  mode: ApplyMode,
  label: string,
): Promise<MigrationApplyResult> {
  const { client, settings } = ctx;
  const started = Date.now();
  const relations = relationsOfMigration(pm);
  const before = await measure(client, relations);
  const rowId = await insertHistory(client, { ...historyFields(ctx, pm), status: 'running', blocksDeploy: true, statementsDone: 0 });
  const timings: StatementTiming[] = [];
  let retries = 0;
  let inScriptTransaction = false;
  let currentTimeout: number | null = null;
  await client.query(`SET lock_timeout = ${timeoutSql(settings.lockTimeoutMs)}`);
  try {
    for (const statement of statements) {
      const timeout = statement.nonTransactional ? settings.concurrentStatementTimeoutMs : settings.statementTimeoutMs;
      if (timeout !== currentTimeout) {
        await client.query(`SET statement_timeout = ${timeoutSql(timeout)}`);
        currentTimeout = timeout;
      }
      const statementRelations = relationsOfStatements([statement]);
      const invalidBefore = statement.nonTransactional ? await invalidIndexes(client, statementRelations) : [];
      const leftovers = async () => (await invalidIndexes(client, statementRelations)).filter((name) => !invalidBefore.includes(name));
      let durationMs = 0;
      const outcome = await withRetries(
        ctx,
        `${label} statement ${statement.index + 1}`,
        async () => {
          const t0 = performance.now();
          await client.query(statement.sql);
          durationMs = round(performance.now() - t0);
        },
        {
          // Inside the file's own transaction a failed statement aborts the transaction: no retry.
          retries: inScriptTransaction ? 0 : settings.retries,
          beforeRetry: async () => {
            for (const name of await leftovers()) await client.query(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
          },
        },
      );
      retries += outcome.retries;
      if (!outcome.ok) {
        if (inScriptTransaction) await client.query('ROLLBACK').catch(() => undefined);
        const cleanup = (await leftovers()).map((name) => `DROP INDEX CONCURRENTLY IF EXISTS ${name}; -- left INVALID by the failed statement`);
        const error = toApplyError(outcome.error, pm, statement, timings.length);
        const blocks = timings.length > 0 || cleanup.length > 0;
        await updateHistory(client, rowId, {
          status: 'failed',
          blocksDeploy: blocks,
          durationMs: Date.now() - started,
          statementTimings: timings,
          statementsDone: timings.length,
          error: describeApplyError(error),
          cleanup: cleanup.length ? cleanup.join('\n') : undefined,
        });
        return { ...result(pm, 'failed', Date.now() - started, null, timings, [], retries, mode), error, cleanup };
      }
      if (statement.transactionControl) inScriptTransaction = transactionControlKind(statement.ast) === 'begin';
      timings.push({ index: statement.index, line: statement.line, kind: statement.kind, durationMs, attempts: outcome.retries + 1 });
      // Progress for a crash mid-migration; the last statement's is written with the final state below.
      if (timings.length < statements.length) await updateHistory(client, rowId, { statementsDone: timings.length });
    }
    const after = compareMeasurements(relations, before, await measure(client, relations));
    await updateHistory(client, rowId, {
      status: 'applied',
      blocksDeploy: false,
      durationMs: Date.now() - started,
      statementTimings: timings,
      statementsDone: timings.length,
      walBytes: after.walBytes ?? undefined,
      tableSizes: after.sizes,
    });
    return result(pm, 'applied', Date.now() - started, after.walBytes, timings, after.sizes, retries, mode);
  } finally {
    await client.query('RESET lock_timeout; RESET statement_timeout').catch(() => undefined);
  }
}

/** INVALID indexes on these tables, as names DROP INDEX accepts. */
export async function invalidIndexes(client: ClientBase, relations: ReturnType<typeof relationsOfStatements>): Promise<string[]> {
  if (relations.length === 0) return [];
  const { rows } = await client.query<{ name: string }>(
    `SELECT i.indexrelid::regclass::text AS name FROM pg_index i
      WHERE NOT i.indisvalid AND i.indrelid IN (SELECT to_regclass(t) FROM unnest($1::text[]) t)
      ORDER BY 1`,
    [relations.map(regclassText)],
  );
  return rows.map((r) => r.name);
}
