/**
 * What is read after each traced statement, inside the statement's transaction: the backend's
 * relation and object locks (with relfilenode and the transaction's scan counters of each locked
 * relation: a relation gets a new relfilenode only under a lock, and the indexes a table rewrite
 * rebuilds are locked too), the WAL insert position, the timeouts in force and server clock
 * readings. Only relations the statement could have touched are read, never the whole catalog, and
 * only locks that are new or changed since the previous trace of the transaction are sent. It is a PL/pgSQL function in drydock's own schema of the throwaway database,
 * so its plans are prepared once per session rather than for every statement.
 */
import type { ClientBase, QueryResult } from 'pg';

/** OIDs below this are built into the server (FirstNormalObjectId); 2200 is schema public. */
const USER_OBJECTS = `(coalesce(l.relation, l.objid) >= 16384 OR (l.locktype = 'object' AND l.classid = 'pg_namespace'::regclass AND l.objid = 2200))`;

/** The backend's relation and object locks on user objects (pg_locks is read once, materialised). */
function locksCte(pidExpr: string): string {
  return `WITH l AS MATERIALIZED (
    SELECT l.locktype, l.mode, l.granted, l.classid, l.objsubid, coalesce(l.relation, l.objid) AS objid FROM pg_locks l
    WHERE l.pid = ${pidExpr} AND l.locktype IN ('relation', 'object')
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND ${USER_OBJECTS})`;
}

/**
 * One JSON array per lock, to keep the payload small: see LockRow for the fields. The transaction's
 * scan counters (pg_stat_xact_*) come along for tables. Object locks are named later, once per
 * object (identifyObjects): pg_identify_object for every held lock after every statement was the
 * trace's largest cost.
 */
function lockRowsJson(withStats: boolean, from = 'l', orderBy = ''): string {
  const stats = withStats
    ? `CASE WHEN c.relkind IN ('r', 'm', 'p') THEN pg_stat_get_xact_numscans(c.oid) END,
       CASE WHEN c.relkind IN ('r', 'm', 'p') THEN pg_stat_get_xact_tuples_returned(c.oid) END`
    : 'NULL, NULL';
  return `(SELECT coalesce(json_agg(json_build_array(l.locktype = 'relation', l.mode, l.objid::int8, l.granted, c.relkind,
       n.nspname || '.' || c.relname, c.relfilenode::int8, ${stats}, l.classid::int8, l.objsubid)${orderBy ? ` ORDER BY ${orderBy}` : ''}), '[]')
     FROM ${from} l LEFT JOIN pg_class c ON l.locktype = 'relation' AND c.oid = l.objid
     LEFT JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE coalesce(n.nspname, '') NOT IN ('pg_toast', 'pg_catalog', 'information_schema') AND coalesce(n.nspname, '') NOT LIKE 'pg\\_temp\\_%')`;
}

/** Schema of drydock's helpers in the throwaway database (left out of catalog snapshots). */
export const DRYDOCK_SCHEMA = 'drydock';

/**
 * Custom setting holding, for the current transaction, one fingerprint per lock the last trace saw.
 * set_config(..., true) makes it transaction-local: it is empty again after COMMIT/ROLLBACK, and a
 * ROLLBACK TO SAVEPOINT brings back the value of the savepoint, just as the locks taken since then
 * are released.
 */
const SEEN_SETTING = `${DRYDOCK_SCHEMA}.trace_seen`;

/**
 * Everything about a lock the tracer uses, hashed to one int8: its identity, and for relations the
 * relfilenode (rewrites) and the transaction's scan counters (scans). A lock whose fingerprint the
 * previous trace of the transaction already sent has nothing new to say, so only the others are
 * sent: the client (tracer.ts) derives the same report from the rows that changed as from every
 * row. The name is left out: a sent row carries the relation's current name, and a rename alone
 * changes no lock, rewrite or scan. A relation without storage (a view) or already dropped has no
 * relfilenode: 0 stands in, since a NULL fingerprint is never NOT IN anything and the lock would never
 * be sent. Cheap on purpose, since it runs for every held lock after every
 * statement: syscache and statistics lookups and integer hashing, no text and no join (the text
 * fingerprint it replaced cost about three times as much per lock). A 64-bit hash collision would hide one
 * change; with a few hundred locks per transaction the odds are below 1e-14.
 */
const LOCK_FINGERPRINT = `CASE WHEN l.locktype = 'relation'
      THEN hashint8extended(coalesce(pg_relation_filenode(l.relation), 0)::int8 * 1000003 + pg_stat_get_xact_numscans(l.relation) * 65537
        + pg_stat_get_xact_tuples_returned(l.relation), l.relation::int8 * 64 + hashtext(l.mode))
      ELSE hashint8extended(l.objid::int8 * 65536 + l.objsubid, l.classid::int8 * 64 + hashtext(l.mode) + 1) END`;

/**
 * After every statement: the clocks, WAL position, timeouts, and the locks that are new or changed
 * since the previous trace of the same transaction (naming every held lock and sending it again
 * after every statement made long files cost more per statement). Rows keep pg_locks' order.
 *
 * pg_stat_get_xact_* read the backend's pending counters, which since PostgreSQL 15 also hold the
 * scans of earlier transactions until the backend flushes them (at most once a second, when idle):
 * without pg_stat_force_next_flush() a statement was charged with scans its predecessors made.
 * Forcing the flush at the next idle moment makes the counters start at zero in every transaction.
 * force_generic_plan: the query is planned once per session, never again for a new `seen` value.
 */
function installTraceSql(versionNum: number, databaseOid: number): string {
  return `CREATE SCHEMA IF NOT EXISTS ${DRYDOCK_SCHEMA};
CREATE OR REPLACE FUNCTION ${DRYDOCK_SCHEMA}.trace() RETURNS json LANGUAGE plpgsql
  SET search_path = pg_catalog SET plan_cache_mode = force_generic_plan AS $trace$
DECLARE
  started timestamptz := clock_timestamp();
  seen int8[] := string_to_array(nullif(current_setting('${SEEN_SETTING}', true), ''), ',')::int8[];
  result json;
  stored text;
BEGIN
  ${versionNum >= 150000 ? 'PERFORM pg_stat_force_next_flush();' : ''}
  WITH l AS MATERIALIZED (
    SELECT l.locktype, l.mode, l.granted, l.classid, l.objsubid, coalesce(l.relation, l.objid) AS objid, l.ord,
      ${LOCK_FINGERPRINT} AS fp
    FROM pg_lock_status() WITH ORDINALITY AS l(locktype, database, relation, page, tuple, virtualxid, transactionid,
      classid, objid, objsubid, virtualtransaction, pid, mode, granted, fastpath, waitstart, ord)
    WHERE l.pid = pg_backend_pid() AND l.locktype IN ('relation', 'object') AND l.database = ${databaseOid} AND ${USER_OBJECTS}),
  changed AS (SELECT * FROM l WHERE l.fp NOT IN (SELECT unnest(seen)))
  SELECT json_build_object(
    'ms', extract(epoch FROM started - statement_timestamp()) * 1000,
    't0', extract(epoch FROM started) * 1000,
    'lsn', pg_current_wal_insert_lsn()::text,
    'lt', current_setting('lock_timeout'),
    'st', current_setting('statement_timeout'),
    'locks', ${lockRowsJson(true, 'changed', 'l.ord')},
    't1', extract(epoch FROM clock_timestamp()) * 1000),
    set_config('${SEEN_SETTING}', coalesce((SELECT string_agg(fp::text, ',') FROM l), ''), true) INTO result, stored;
  RETURN result;
END
$trace$`;
}

/**
 * Asks for the backend's pending statistics to be flushed when it next goes idle, so that scans made
 * outside tracing (history replay, round trips) are not charged to the next traced transaction. A
 * no-op before PostgreSQL 15, which has no such request.
 */
function installFlushSql(versionNum: number): string {
  const body = versionNum >= 150000 ? 'SELECT pg_stat_force_next_flush()' : 'SELECT';
  return `CREATE OR REPLACE FUNCTION ${DRYDOCK_SCHEMA}.flush_stats() RETURNS void LANGUAGE sql SET search_path = pg_catalog AS $flush$ ${body} $flush$`;
}

/** Names of the objects this backend holds locks on: sent before drydock's COMMIT of a wrapped script. */
const INSTALL_OBJECTS_SQL = `CREATE OR REPLACE FUNCTION ${DRYDOCK_SCHEMA}.locked_objects() RETURNS json LANGUAGE sql SET search_path = pg_catalog AS $objects$
  SELECT coalesce(json_agg(json_build_array(l.classid::int8 || ':' || l.objid::int8 || ':' || l.objsubid, i.type, i.identity)), '[]')
  FROM pg_locks l CROSS JOIN LATERAL pg_identify_object(l.classid, l.objid, l.objsubid) i
  WHERE l.pid = pg_backend_pid() AND l.locktype = 'object'
$objects$`;

export const LOCKED_OBJECTS_SQL = `SELECT ${DRYDOCK_SCHEMA}.locked_objects() AS objects`;

/** Parses locked_objects() into the map identifyObjects returns. */
export function objectNames(rows: [string, string | null, string | null][]): Map<string, [string, string] | null> {
  return new Map(rows.map(([key, type, identity]) => [key, type && identity ? [type, identity] : null]));
}

/** Creates the trace functions in the throwaway database (once per dry run). */
export async function installTracer(client: ClientBase): Promise<void> {
  const { rows } = await client.query<{ n: number; db: string }>(
    `SELECT current_setting('server_version_num')::int AS n, oid::int8 AS db FROM pg_database WHERE datname = current_database()`,
  );
  await client.query(installTraceSql(rows[0].n, Number(rows[0].db)));
  await client.query(installFlushSql(rows[0].n));
  await client.query(INSTALL_OBJECTS_SQL);
}

/** Sent right after a traced statement, in the same query string. */
export const TRACE_SQL = `SELECT ${DRYDOCK_SCHEMA}.trace() AS trace`;

/** Right after BEGIN, where no lock is held yet: the clock and WAL position the first statement starts from. */
export const START_SQL = `SELECT pg_current_wal_insert_lsn()::text AS lsn, extract(epoch FROM clock_timestamp()) * 1000 AS t1`;

/** What START_SQL returns (t1 as TraceRow.t1). */
export interface StartRow {
  lsn: string;
  t1: number;
}

/** Read by the observer connection while a non-transactional statement runs in backend $1. */
export const OBSERVE_SQL = `${locksCte('$1')} SELECT ${lockRowsJson(false)} AS locks`;

/** The WAL position alone, taken before a statement. */
export const WAL_SQL = `SELECT pg_current_wal_insert_lsn()::text AS lsn`;

/** Every relation's relfilenode, taken once before tracing (then kept current from the traces). */
export const RELATIONS_SQL = `SELECT c.oid::int8 AS oid, c.relfilenode::int8 AS f, n.nspname || '.' || c.relname AS r, c.relkind AS k
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.oid >= 16384 AND n.nspname NOT IN ('pg_toast', 'pg_catalog', 'information_schema')`;

/** After a non-transactional statement: relfilenodes of the observed relations and their indexes, plus invalid indexes. */
export const AFTER_OBSERVED_SQL = `SELECT pg_current_wal_insert_lsn()::text AS lsn, current_setting('lock_timeout') AS lt, current_setting('statement_timeout') AS st,
  (SELECT coalesce(json_agg(json_build_array(c.oid::int8, c.relfilenode::int8, n.nspname || '.' || c.relname, c.relkind)), '[]')
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.oid = ANY ($1::oid[]) OR c.oid IN (SELECT i.indexrelid FROM pg_index i WHERE i.indrelid = ANY ($1::oid[]))) AS rels,
  (${invalidIndexesSql()}) AS invalid`;

/** Indexes left INVALID (by a failed concurrent build), with their tables. */
function invalidIndexesSql(): string {
  return `SELECT coalesce(json_agg(json_build_array(n.nspname || '.' || c.relname, tn.nspname || '.' || t.relname)), '[]')
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace tn ON tn.oid = t.relnamespace WHERE NOT i.indisvalid`;
}

/** Before a non-transactional statement: the WAL position and the indexes already invalid. */
export const BEFORE_OBSERVED_SQL = `SELECT pg_current_wal_insert_lsn()::text AS lsn, (${invalidIndexesSql()}) AS invalid`;

/** A lock as trace() (new or changed since its previous call) and the observer send it: [relation?, mode, oid, granted, relkind, name, relfilenode, seqScans, tuplesRead, classid, objsubid]. */
export type LockTuple = [boolean, string, number, boolean, string | null, string | null, number | null, number | null, number | null, number, number];

export interface LockRow {
  /** "relation" or "object". */
  t: 'relation' | 'object';
  m: string;
  /** Relation OID, or the object's OID. */
  o: number;
  g: boolean;
  k: string | null;
  r: string | null;
  f: number | null;
  sc: number | null;
  tr: number | null;
  /** Object locks: "classid:objid:objsubid", the key for identifyObjects. */
  object: string | null;
}

export function lockRows(tuples: LockTuple[]): LockRow[] {
  return tuples.map(([relation, m, o, g, k, r, f, sc, tr, classid, objsubid]) => ({
    t: relation ? 'relation' : 'object',
    m,
    o,
    g,
    k,
    r,
    f,
    sc,
    tr,
    object: relation ? null : `${classid}:${o}:${objsubid}`,
  }));
}

/** [object type, identity] of each "classid:objid:objsubid" key; null for objects that no longer exist. */
export async function identifyObjects(client: ClientBase, keys: string[]): Promise<Map<string, [string, string] | null>> {
  const parts = keys.map((k) => k.split(':').map(Number));
  const { rows } = await client.query<{ type: string | null; identity: string | null }>(
    `SELECT i.type, i.identity FROM unnest($1::oid[], $2::oid[], $3::int4[]) WITH ORDINALITY AS u(c, o, s, n)
     CROSS JOIN LATERAL pg_identify_object(u.c, u.o, u.s) i ORDER BY u.n`,
    [parts.map((p) => p[0]), parts.map((p) => p[1]), parts.map((p) => p[2])],
  );
  return new Map(keys.map((k, i) => [k, rows[i]?.type && rows[i]?.identity ? [rows[i].type!, rows[i].identity!] : null]));
}

export interface TraceRow {
  /** Server time from the arrival of the query message to the trace (one statement per message). */
  ms: number;
  /** Server clock (epoch ms) when the trace started and ended: statement k ran from t1 of trace k-1 to t0 of trace k. */
  t0: number;
  t1: number;
  lsn: string;
  lt: string;
  st: string;
  locks: LockTuple[];
}

export interface KnownRelation {
  name: string;
  kind: string;
  filenode: number;
}

/** Every relation's relfilenode; also requests the stats flush (see installFlushSql) in the same round trip. */
export async function loadRelations(client: ClientBase): Promise<Map<number, KnownRelation>> {
  const results = (await client.query(`SELECT ${DRYDOCK_SCHEMA}.flush_stats();\n${RELATIONS_SQL}`)) as unknown as QueryResult<{ oid: string; f: string; r: string; k: string }>[];
  const { rows } = results[1];
  return new Map(rows.map((r) => [Number(r.oid), { name: r.r, kind: r.k, filenode: Number(r.f) }]));
}

/** Bytes between two pg_lsn texts ("16/B374D848"). */
export function lsnDiff(from: string, to: string): number {
  return Number(lsnValue(to) - lsnValue(from));
}

function lsnValue(lsn: string): bigint {
  const [hi, lo] = lsn.split('/');
  return (BigInt('0x' + hi) << 32n) + BigInt('0x' + lo);
}

const RELKIND_NAMES: Record<string, string> = {
  r: 'table',
  p: 'partitioned table',
  i: 'index',
  I: 'partitioned index',
  S: 'sequence',
  v: 'view',
  m: 'materialized view',
  c: 'composite type',
  f: 'foreign table',
  t: 'toast table',
};

export function relkindName(kind: string | null | undefined): string | undefined {
  return kind ? RELKIND_NAMES[kind] ?? kind : undefined;
}
