/**
 * Deploys under fault: migration folders on disk (plain layout, discovered for real), a deploy in a
 * child process that can be killed at a chosen log line, and the observations every fault suite
 * makes afterwards (who holds the deploy lock, the history, the user schema).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Client } from 'pg';
import { DEPLOY_LOCK_KEY } from '../../src/deploy';
import { withClient } from '../../src/util/pg';

const ROOT = path.resolve(__dirname, '../..');
const CHILD = path.join(ROOT, '__tests__', 'reliability', 'fixtures', 'deploy-child.js');

export interface MigrationProject {
  cwd: string;
  dirs: string[];
  /** Write (or overwrite) one migration file. */
  write(name: string, sql: string | Buffer): string;
  remove(): void;
}

/** A repository folder with db/migrations holding these files (name → SQL). */
export function migrationProject(files: Record<string, string | Buffer>): MigrationProject {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'drydock-fault-'));
  const dir = path.join(cwd, 'db', 'migrations');
  fs.mkdirSync(dir, { recursive: true });
  const project: MigrationProject = {
    cwd,
    dirs: ['db/migrations'],
    write(name, sql) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, sql);
      return file;
    },
    remove: () => fs.rmSync(cwd, { recursive: true, force: true }),
  };
  for (const [name, sql] of Object.entries(files)) project.write(name, sql);
  return project;
}

export interface ChildRequest {
  databaseUrl: string;
  cwd: string;
  dirs: string[];
  actor?: string;
  /** s3BackupStep options; absent = backup 'none'. */
  s3?: unknown;
  /** Any other DeployOptions (durations as strings or ms). */
  options?: Record<string, unknown>;
}

export interface DeployChild {
  child: ChildProcess;
  pid: number;
  logs: string[];
  stderr: () => string;
  stdout: () => string;
  result: () => Record<string, any> | null;
  /** Resolves with the exit code (null when killed) and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Called for every log line as it arrives. */
  onLog(listener: (line: string, index: number) => void): void;
}

export function spawnDeployChild(request: ChildRequest, env: NodeJS.ProcessEnv = process.env): DeployChild {
  const child = spawn(process.execPath, [CHILD, JSON.stringify(request)], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: string[] = [];
  const listeners: ((line: string, index: number) => void)[] = [];
  let out = '';
  let err = '';
  let pending = '';
  let result: Record<string, any> | null = null;
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    pending += chunk.toString();
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      const record = JSON.parse(line) as { log?: string; result?: Record<string, any> };
      if (record.result) result = record.result;
      if (record.log !== undefined) {
        logs.push(record.log);
        for (const l of listeners) l(record.log, logs.length - 1);
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    pid: child.pid!,
    logs,
    stderr: () => err,
    stdout: () => out,
    result: () => result,
    exited,
    onLog: (listener) => listeners.push(listener),
  };
}

/** The backend pid holding drydock's deploy lock in this database, or null. */
export async function deployLockHolder(client: Client): Promise<number | null> {
  const key = BigInt(DEPLOY_LOCK_KEY);
  const { rows } = await client.query<{ pid: number }>(
    `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = $1::oid AND objid = $2::oid AND objsubid = 1
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    [String(key >> 32n), String(key & 0xffffffffn)],
  );
  return rows[0]?.pid ?? null;
}

/** Wait until no session holds the deploy lock; returns how long it took. Throws past the limit. */
export async function waitForLockFree(url: string, limitMs: number): Promise<number> {
  const started = Date.now();
  return withClient(url, async (client) => {
    for (;;) {
      if ((await deployLockHolder(client)) === null) return Date.now() - started;
      if (Date.now() - started > limitMs) throw new Error(`deploy lock still held after ${limitMs} ms`);
      await new Promise((r) => setTimeout(r, 25));
    }
  });
}

export interface HistoryEntry {
  version: string;
  status: string;
  blocks_deploy: boolean;
  statements_done: number | null;
  error: string | null;
  cleanup: string | null;
}

/** drydock's history, oldest first; empty when the schema does not exist. */
export async function historyOf(client: Client): Promise<HistoryEntry[]> {
  const { rows } = await client.query<{ exists: boolean }>("SELECT to_regclass('drydock.migration_history') IS NOT NULL AS exists");
  if (!rows[0].exists) return [];
  return (await client.query<HistoryEntry>('SELECT version, status, blocks_deploy, statements_done, error, cleanup FROM drydock.migration_history ORDER BY id')).rows;
}

/** The latest history row of each version. */
export function latestStatus(history: HistoryEntry[]): Map<string, HistoryEntry> {
  const latest = new Map<string, HistoryEntry>();
  for (const row of history) latest.set(row.version, row);
  return latest;
}

/**
 * Everything a migration could change outside drydock's own schema: relations (with kind and
 * validity of indexes), columns and row counts of tables. Equal snapshots = nothing applied.
 */
export async function userSchemaSnapshot(client: Client): Promise<string> {
  const { rows } = await client.query<{ line: string }>(
    `SELECT n.nspname || '.' || c.relname || ' ' || c.relkind::text ||
            coalesce(' valid=' || i.indisvalid, '') ||
            coalesce(' cols=' || (SELECT string_agg(a.attname || ':' || format_type(a.atttypid, a.atttypmod), ',' ORDER BY a.attnum)
                                    FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '') AS line
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_index i ON i.indexrelid = c.oid
      WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'drydock') AND n.nspname NOT LIKE 'pg_toast%'
      ORDER BY 1`,
  );
  const schemas = await client.query<{ nspname: string }>(
    "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg_%' AND nspname NOT IN ('information_schema', 'drydock') ORDER BY 1",
  );
  return [...schemas.rows.map((r) => `schema ${r.nspname}`), ...rows.map((r) => r.line)].join('\n');
}
