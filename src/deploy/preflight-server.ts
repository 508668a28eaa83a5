/**
 * Pre-flight checks that read the target server's state: version, privileges, sessions holding
 * locks on the tables the pending migrations touch, disk for predicted rewrites, WAL archiving
 * (PITR) and replica lag. Each returns one report line: pass, warn or fail.
 */
import type { ClientBase } from 'pg';

import { displayRelation, regclassText, RelationName, relationsOfMigrations } from '../apply/relations';
import type { ParsedMigration } from '../engine/types';
import type { PreflightLine } from './types';
import { formatBytes, formatMs } from '../util/format';

export interface ServerInfo {
  version: string;
  versionNum: number;
  inRecovery: boolean;
  user: string;
}

export async function serverInfo(client: ClientBase): Promise<ServerInfo> {
  const { rows } = await client.query<{ v: string; n: string; r: boolean; u: string }>(
    "SELECT current_setting('server_version') AS v, current_setting('server_version_num') AS n, pg_is_in_recovery() AS r, current_user AS u",
  );
  return { version: rows[0].v.split(' ')[0], versionNum: Number(rows[0].n), inRecovery: rows[0].r, user: rows[0].u };
}

export function connectionCheck(info: ServerInfo, target: string): PreflightLine {
  const where = `PostgreSQL ${info.version} at ${target} as ${info.user}`;
  if (info.inRecovery) {
    return { check: 'connection', status: 'fail', message: `${where} is a read-only standby`, fix: 'point --database-url at the primary' };
  }
  if (info.versionNum < 120000) {
    return { check: 'connection', status: 'warn', message: `${where}: server older than 12, lock levels and fast paths differ` };
  }
  return { check: 'connection', status: 'pass', message: where };
}

export async function privilegesCheck(client: ClientBase, pending: ParsedMigration[]): Promise<PreflightLine> {
  const { rows } = await client.query<{ superuser: boolean; can_write_history: boolean }>(
    `SELECT r.rolsuper AS superuser,
       CASE WHEN to_regnamespace('drydock') IS NULL THEN has_database_privilege(current_database(), 'CREATE')
            ELSE has_schema_privilege('drydock', 'USAGE') AND has_schema_privilege('drydock', 'CREATE') END AS can_write_history
       FROM pg_roles r WHERE r.rolname = current_user`,
  );
  const { superuser, can_write_history: canWriteHistory } = rows[0];
  if (!canWriteHistory) {
    return {
      check: 'privileges',
      status: 'fail',
      message: 'cannot create or write the drydock schema (history and lock tables)',
      fix: 'GRANT CREATE ON DATABASE to the deploy role, or create schema drydock owned by it',
    };
  }
  if (superuser) return { check: 'privileges', status: 'pass', message: 'superuser' };
  const relations = relationsOfMigrations(pending);
  const notOwned = await tablesNotOwned(client, relations);
  if (notOwned.length > 0) {
    return {
      check: 'privileges',
      status: 'warn',
      message: `not owner of ${notOwned.join(', ')}: ALTER/DROP/CREATE INDEX on them will fail`,
      fix: 'run the deploy as the tables\' owner (or a member of the owning role)',
    };
  }
  return { check: 'privileges', status: 'pass', message: `can write drydock history; owns the ${relations.length} affected table(s) that exist` };
}

async function tablesNotOwned(client: ClientBase, relations: RelationName[]): Promise<string[]> {
  if (relations.length === 0) return [];
  const { rows } = await client.query<{ name: string }>(
    `SELECT c.oid::regclass::text AS name FROM unnest($1::text[]) t JOIN pg_class c ON c.oid = to_regclass(t)
      WHERE NOT pg_has_role(current_user, c.relowner, 'USAGE') ORDER BY 1`,
    [relations.map(regclassText)],
  );
  return rows.map((r) => r.name);
}

interface LockHolderRow {
  pid: number;
  application_name: string;
  state: string;
  xact_ms: number;
  relation: string;
  mode: string;
}

/** Sessions that hold locks on the affected tables (the lock queue) and old idle-in-transaction sessions (they stall CIC). */
export async function sessionsCheck(client: ClientBase, pending: ParsedMigration[], limitMs: number): Promise<PreflightLine> {
  const relations = relationsOfMigrations(pending);
  const { rows } = await client.query<LockHolderRow>(
    `SELECT DISTINCT ON (a.pid) a.pid, coalesce(a.application_name, '') AS application_name, coalesce(a.state, '') AS state,
            (extract(epoch FROM clock_timestamp() - a.xact_start) * 1000)::float8 AS xact_ms,
            coalesce(l.relation::regclass::text, '') AS relation, coalesce(l.mode, '') AS mode
       FROM pg_stat_activity a
       LEFT JOIN pg_locks l ON l.pid = a.pid AND l.granted
            AND l.relation IN (SELECT to_regclass(t) FROM unnest($1::text[]) t)
      WHERE a.pid <> pg_backend_pid() AND a.xact_start IS NOT NULL AND a.datname = current_database()
        AND (l.relation IS NOT NULL OR a.state LIKE 'idle in transaction%')
        AND a.xact_start < clock_timestamp() - make_interval(secs => $2::float8 / 1000)
      ORDER BY a.pid, l.relation`,
    [relations.map(regclassText), limitMs],
  );
  if (rows.length === 0) {
    return { check: 'sessions', status: 'pass', message: `no transaction older than ${formatMs(limitMs)} holds locks on the affected tables` };
  }
  const described = rows.slice(0, 3).map((r) => {
    const what = r.relation ? `holds ${r.mode} on ${r.relation}` : 'is idle in transaction';
    return `pid ${r.pid}${r.application_name ? ` (${r.application_name})` : ''} ${what} for ${formatMs(r.xact_ms)}`;
  });
  const more = rows.length > 3 ? ` and ${rows.length - 3} more` : '';
  return {
    check: 'sessions',
    status: 'warn',
    message: `${described.join('; ')}${more}`,
    fix: 'migrations wait at most lock_timeout per attempt and retry; end those transactions to deploy sooner',
  };
}

/** Disk a table rewrite needs: a full copy of the table and its indexes, per the dry run's rewrite list. */
export async function rewriteDiskCheck(client: ClientBase, pending: ParsedMigration[], limitBytes: number | undefined): Promise<PreflightLine> {
  const rewritten = new Map<string, RelationName>();
  for (const pm of pending) {
    for (const statement of pm.migration.statements) {
      for (const rewrite of statement.rewrites) {
        const [schema, name] = rewrite.relation.includes('.') ? rewrite.relation.split('.', 2) : [null, rewrite.relation];
        const relation = { schema, name };
        rewritten.set(displayRelation(relation), relation);
      }
    }
  }
  if (rewritten.size === 0) return { check: 'rewrite disk', status: 'pass', message: 'no table rewrites predicted' };
  const { rows } = await client.query<{ bytes: string }>(
    'SELECT coalesce(sum(pg_total_relation_size(to_regclass(t))), 0)::bigint AS bytes FROM unnest($1::text[]) t',
    [[...rewritten.values()].map(regclassText)],
  );
  const needed = Number(rows[0].bytes);
  const tables = [...rewritten.keys()].join(', ');
  if (limitBytes === undefined) {
    return {
      check: 'rewrite disk',
      status: 'warn',
      message: `rewrites of ${tables} need about ${formatBytes(needed)} of free disk (plus WAL); no limit configured`,
      fix: 'set rewriteDiskLimitBytes to the free disk you can spare',
    };
  }
  if (needed > limitBytes) {
    return {
      check: 'rewrite disk',
      status: 'fail',
      message: `rewrites of ${tables} need about ${formatBytes(needed)}, above the limit of ${formatBytes(limitBytes)}`,
      fix: 'free disk and raise the limit, or rewrite the migration to avoid the rewrite (postgres-locks.md)',
    };
  }
  return { check: 'rewrite disk', status: 'pass', message: `rewrites need about ${formatBytes(needed)} (limit ${formatBytes(limitBytes)})` };
}

export async function walArchivingCheck(client: ClientBase): Promise<PreflightLine> {
  const { rows } = await client.query<{ mode: string; archived: string; failed: string; last_archived: Date | null; last_failed: Date | null }>(
    `SELECT current_setting('archive_mode') AS mode, archived_count AS archived, failed_count AS failed,
            last_archived_time AS last_archived, last_failed_time AS last_failed FROM pg_stat_archiver`,
  );
  const r = rows[0];
  if (r.mode === 'off') {
    return {
      check: 'WAL archiving',
      status: 'warn',
      message: 'archive_mode is off: no point-in-time recovery; the backup is the only way back',
      fix: 'enable WAL archiving (or managed PITR) for production',
    };
  }
  if (r.last_failed && (!r.last_archived || r.last_failed > r.last_archived)) {
    return {
      check: 'WAL archiving',
      status: 'warn',
      message: `archive_mode ${r.mode}, but archiving has failed since ${r.last_failed.toISOString()} (${r.failed} failures)`,
      fix: 'fix archive_command before relying on PITR',
    };
  }
  return { check: 'WAL archiving', status: 'pass', message: `archive_mode ${r.mode}, ${r.archived} segments archived` };
}

export async function replicationLagCheck(client: ClientBase, limitMs: number): Promise<PreflightLine> {
  const { rows } = await client.query<{ name: string; lag_ms: number | null; lag_bytes: string | null }>(
    `SELECT coalesce(application_name, '') AS name, (extract(epoch FROM replay_lag) * 1000)::float8 AS lag_ms,
            pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint AS lag_bytes
       FROM pg_stat_replication`,
  );
  if (rows.length === 0) return { check: 'replication lag', status: 'pass', message: 'no replicas attached' };
  if (rows.some((r) => r.lag_bytes === null)) {
    return {
      check: 'replication lag',
      status: 'warn',
      message: `${rows.length} replica(s) attached; their lag is not visible to this role`,
      fix: 'GRANT pg_monitor to the deploy role',
    };
  }
  const worst = rows.reduce((a, b) => ((b.lag_ms ?? 0) > (a.lag_ms ?? 0) ? b : a));
  const lagMs = worst.lag_ms ?? 0;
  const message = `${rows.length} replica(s); worst ${worst.name || 'replica'} ${formatMs(lagMs)} / ${formatBytes(Number(worst.lag_bytes))} behind`;
  if (lagMs > limitMs) {
    return { check: 'replication lag', status: 'fail', message: `${message} (limit ${formatMs(limitMs)})`, fix: 'wait for replicas to catch up' };
  }
  if (lagMs > limitMs / 10) return { check: 'replication lag', status: 'warn', message };
  return { check: 'replication lag', status: 'pass', message };
}
