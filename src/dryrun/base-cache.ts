/**
 * The base-schema cache: the database state after setup SQL + history, kept as a template database
 * named by a key over the history's checksums, the server version and the setup SQL (and the
 * earlier text of edited repeatable migrations, replayed with the history). The next run
 * with the same history clones it (CREATE DATABASE … TEMPLATE) instead of replaying, so a PR check
 * replays only its new migrations. The template lives on the server: on a --shadow-url server it
 * persists by itself; a local cluster keeps its data directory in the cache folder
 * (startEphemeralServer({ cacheDir })), which the Action caches between runs.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ParsedMigration } from '../engine/types';
import { withClient } from '../util/pg';
import type { EphemeralServer } from './providers';
import { quoteAlways } from '../parse/quote';
import type { Script } from './script';

const CACHE_FORMAT = 'drydock-base-schema-v1';
const TEMPLATE_PREFIX = 'drydock_base_';
/** Templates kept per server; older ones are dropped (least recently used first). */
const KEEP_TEMPLATES = 3;

export function baseCacheKey(history: ParsedMigration[], serverVersion: string, setupSql: string, moreScripts: Script[] = []): string {
  const hash = createHash('sha256').update(`${CACHE_FORMAT}\n${serverVersion}\n`).update(setupSql).update('\n');
  for (const m of history) hash.update(`${m.file.path}\t${m.file.checksum}\t${m.file.transactional}\n`);
  for (const script of moreScripts) hash.update(`${script.path}\t${script.transactional}\n`).update(script.source.text).update('\n');
  return hash.digest('hex');
}

export interface WorkDatabase {
  name: string;
  url: string;
  cacheHit: boolean;
  /** The template holding the base schema, when the cache is on. */
  baseDatabase: string | null;
}

/**
 * A fresh database holding the base schema. `build` fills an empty database (setup SQL + history);
 * it runs only when the cache is off or has no entry for `key`.
 */
export async function prepareWorkDatabase(
  server: EphemeralServer,
  key: string | null,
  build: (url: string) => Promise<void>,
  keepBase = false,
): Promise<WorkDatabase> {
  if (key === null && !keepBase) {
    const db = await server.createDatabase();
    await build(db.url);
    return { ...db, cacheHit: false, baseDatabase: null };
  }
  if (key === null) {
    // No cache, but the estimator needs the pre-migration schema to calibrate in: keep the built
    // database as a template for this run only (dropped with the server's other databases).
    const base = await server.createDatabase({ name: `drydock_base_run_${randomBytes(6).toString('hex')}` });
    await build(base.url);
    const db = await server.createDatabase({ template: base.name });
    return { ...db, cacheHit: false, baseDatabase: base.name };
  }
  const template = TEMPLATE_PREFIX + key.slice(0, 32);
  const hit = await cloneTemplate(server, template);
  if (hit) return { ...hit, cacheHit: true, baseDatabase: template };

  const staging = await server.createDatabase({ name: `drydock_build_${randomBytes(6).toString('hex')}` });
  try {
    await build(staging.url);
  } catch (error) {
    await server.dropDatabase(staging.name).catch(() => undefined);
    throw error;
  }
  const db = await server.createDatabase({ template: staging.name });
  await withClient(db.url, async (client) => {
    try {
      await client.query(`ALTER DATABASE ${quoteAlways(staging.name)} RENAME TO ${quoteAlways(template)}`);
    } catch (error) {
      // Another run built the same template meanwhile: keep theirs.
      if ((error as { code?: string }).code !== '42P04') throw error;
      await server.dropDatabase(staging.name);
    }
    await touch(client, template);
    await pruneTemplates(client);
  });
  return { ...db, cacheHit: false, baseDatabase: template };
}

async function cloneTemplate(server: EphemeralServer, template: string): Promise<{ name: string; url: string } | null> {
  let db: { name: string; url: string };
  try {
    db = await server.createDatabase({ template });
  } catch (error) {
    // 3D000: no such template (first run, or pruned by a concurrent run).
    if ((error as { code?: string }).code === '3D000') return null;
    throw error;
  }
  await withClient(db.url, (client) => touch(client, template));
  return db;
}

/** The comment records the last use, for least-recently-used pruning. */
async function touch(client: { query(sql: string): Promise<unknown> }, template: string): Promise<void> {
  await client.query(`COMMENT ON DATABASE ${quoteAlways(template)} IS 'drydock base schema, last used ${new Date().toISOString()}'`);
}

async function pruneTemplates(client: { query(sql: string): Promise<{ rows: { datname: string }[] }> }): Promise<void> {
  const { rows } = await client.query(
    `SELECT datname FROM pg_database WHERE datname LIKE '${TEMPLATE_PREFIX.replace(/_/g, '\\_')}%'
     ORDER BY shobj_description(oid, 'pg_database') DESC NULLS LAST OFFSET ${KEEP_TEMPLATES}`,
  );
  for (const { datname } of rows) {
    // Not forced: a run cloning it right now keeps it.
    await client.query(`DROP DATABASE IF EXISTS ${quoteAlways(datname)}`).catch(() => undefined);
  }
}
