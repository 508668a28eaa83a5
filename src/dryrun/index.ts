/**
 * The dry run: replay the migration history into a throwaway database on an ephemeral server, then
 * run each new migration traced, statement by statement (see tracer.ts), with the down round trip
 * for migrations that have a down script. Fills the report fields of each ParsedMigration.
 */
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { ParsedMigration } from '../engine/types';
import { loadParser, parseSql, ParsedStatement, SourceText } from '../parse/parser';
import { DrydockError } from '../util/errors';
import { connect } from '../util/pg';
import { redact } from '../util/secrets';
import { snapshotCatalog } from '../schema';
import { baseCacheKey, prepareWorkDatabase } from './base-cache';
import { round } from './lock-windows';
import { LockObserver } from './observer';
import { replayScript } from './replay';
import { validateRollback } from '../rollback/round-trip';
import { describeStep } from '../rollback/stored-script';
import { downScript, Script, upScript } from './script';
import { replayFailure } from './server-error';
import { installTracer } from './trace-query';
import { TraceSession } from './tracer';
import { checkMigrationData, replayCodeMigration, traceMigration } from '../data/dryrun';
import type { DryRunOptions, DryRunResult } from './types';

export type { DryRunOptions, DryRunResult, DryRunTimings } from './types';

export async function dryRun(migrations: ParsedMigration[], options: DryRunOptions): Promise<DryRunResult> {
  const started = performance.now();
  const log = (line: string) => options.log?.(redact(line));
  const { server } = options;
  await loadParser();
  const setup = loadSetup(options);
  // History is everything before the first new migration: that prefix is what the cache keys on.
  const firstNew = migrations.findIndex((m) => m.migration.isNew);
  const history = firstNew === -1 ? migrations : migrations.slice(0, firstNew);
  const rest = firstNew === -1 ? [] : migrations.slice(firstNew);

  // What production already has of an edited repeatable migration is its earlier text (attached
  // by discovery as its down script): replayed with the history, so that its round trip starts
  // from the earlier objects, as a deploy would.
  const earlierRepeatables = rest.flatMap((m) => {
    const script = m.migration.isNew && m.file.direction === 'repeatable' ? downScript(m) : null;
    return script ? [{ m, script }] : [];
  });

  let replayMs = 0;
  const key = options.cacheDir
    ? baseCacheKey(history, server.version, setup?.text ?? '', earlierRepeatables.map((e) => e.script))
    : null;
  const work = await prepareWorkDatabase(server, key, async (url) => {
    const replayStarted = performance.now();
    const client = await connect(url);
    try {
      if (setup) await runSetup(client, setup.script);
      for (const m of history) await replayOrThrow(client, m);
      for (const { m, script } of earlierRepeatables) {
        const error = await replayScript(client, script);
        if (error) throw replayFailure(error, script, `the earlier version of repeatable migration ${m.migration.id}`);
      }
    } finally {
      await client.end().catch(() => undefined);
    }
    replayMs = performance.now() - replayStarted;
  }, options.keepBaseSchema === true);
  const prepareMs = performance.now() - started;
  const earlier = earlierRepeatables.length ? ` and the earlier text of ${earlierRepeatables.length} edited repeatable(s)` : '';
  log(
    work.cacheHit
      ? `dry run: base schema from cache (${history.length} migrations${earlier}, ${work.baseDatabase})`
      : `dry run: replayed ${history.length} migrations${earlier} in ${Math.round(replayMs)} ms`,
  );

  const traceStarted = performance.now();
  let roundTripMs = 0;
  let cleanupStarted = 0;
  let failed: DryRunResult['failed'] = null;
  const client = await connect(work.url);
  const observer = new LockObserver(work.url);
  try {
    await installTracer(client);
    const pid = Number((await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
    const session: TraceSession = { client, pid, observer, relations: null };
    for (const m of rest) {
      if (!m.migration.isNew) {
        await replayOrThrow(client, m);
        session.relations = null;
        continue;
      }
      // Every new migration's way back is proven: its down script, or the generated rollback.
      const before = options.roundTrip !== false ? await snapshotCatalog(client) : null;
      // Data migrations (src/data): code modules, batched backfills, and the data checks after each.
      const error = (await traceMigration(session, m, log)) ?? (await checkMigrationData(client, m));
      if (error) {
        failed = { migration: m.migration.id, path: error.path, line: error.line, column: error.column, message: error.message };
        log(`dry run: ${error.path}:${error.line}:${error.column}: ${error.message}; later migrations not traced`);
        break;
      }
      if (before) {
        const roundTripStarted = performance.now();
        const { plan, roundTrip } = await validateRollback(client, m, before);
        m.migration.roundTrip = roundTrip;
        m.migration.rollback = {
          source: plan.source,
          verdict: plan.verdict,
          summary: plan.summary,
          irreversible: plan.irreversibleSteps.map(describeStep),
          sql: plan.sql,
        };
        session.relations = null;
        roundTripMs += performance.now() - roundTripStarted;
      }
    }
  } finally {
    cleanupStarted = performance.now();
    await observer.close();
    await client.end().catch(() => undefined);
    await server.dropDatabase(work.name).catch(() => undefined);
  }
  const cleanupMs = performance.now() - cleanupStarted;
  const traceMs = performance.now() - traceStarted;
  return {
    server: { version: server.version, versionNum: server.versionNum, provider: server.provider },
    cacheHit: work.cacheHit,
    baseSchemaDatabase: work.baseDatabase,
    failed,
    timings: {
      prepareMs: round(prepareMs),
      replayMs: round(replayMs),
      traceMs: round(traceMs),
      roundTripMs: round(roundTripMs),
      cleanupMs: round(cleanupMs),
      totalMs: round(performance.now() - started),
    },
  };
}

async function replayOrThrow(client: Parameters<typeof replayScript>[0], m: ParsedMigration): Promise<void> {
  if (await replayCodeMigration(client, m)) return;
  const script = upScript(m);
  const error = await replayScript(client, script);
  if (error) throw replayFailure(error, script, `migration ${m.migration.id}`);
}

function loadSetup(options: DryRunOptions): { text: string; script: Script } | null {
  let text = options.setupSql;
  const path = options.setupSqlPath ?? 'setup SQL';
  if (text === undefined && options.setupSqlPath) {
    try {
      text = fs.readFileSync(options.setupSqlPath, 'utf8');
    } catch (error) {
      throw new DrydockError(`cannot read the setup SQL: ${(error as Error).message}`, {
        position: { path },
        fix: 'pass an existing file to --setup-sql (or fix "setupSql" in the config)',
      });
    }
  }
  if (!text) return null;
  const parsed = parseSql(text, path);
  return {
    text,
    script: { path, source: new SourceText(text), statements: parsed.statements, transactional: false },
  };
}

/** Roles are cluster-wide and outlive the database: a CREATE ROLE that already exists is fine. */
function alreadyExistingRole(statement: ParsedStatement, error: unknown): boolean {
  return statement.kind === 'CreateRoleStmt' && (error as { code?: string }).code === '42710';
}

async function runSetup(client: Parameters<typeof replayScript>[0], script: Script): Promise<void> {
  const error = await replayScript(client, script, { tolerate: alreadyExistingRole });
  if (error) throw replayFailure(error, script, 'the setup SQL');
}
