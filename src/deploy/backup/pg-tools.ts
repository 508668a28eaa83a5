/**
 * The PostgreSQL client programs (pg_dump, pg_restore): where they are, which version they are, and
 * how to hand them a connection without putting the password on the command line (argv is visible
 * to every user of the machine through ps).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DrydockError } from '../../util/errors';
import { registerSecret } from '../../util/secrets';
import type { PgToolOptions } from './types';

export type PgTool = 'pg_dump' | 'pg_restore';

export interface ToolVersion {
  path: string;
  /** e.g. "15.18" */
  version: string;
  major: number;
}

export function toolPath(tool: PgTool, options: PgToolOptions): string {
  const explicit = tool === 'pg_dump' ? options.pgDumpPath : options.pgRestorePath;
  if (explicit) return explicit;
  if (options.pgBinDir) return path.join(options.pgBinDir, tool);
  // pg_restore must read what pg_dump wrote: take it from the same install as an explicit pg_dump.
  const sibling = tool === 'pg_restore' ? options.pgDumpPath : options.pgRestorePath;
  if (sibling && path.dirname(sibling) !== '.') return path.join(path.dirname(sibling), tool);
  return tool;
}

export function toolVersion(tool: PgTool, options: PgToolOptions): ToolVersion {
  const file = toolPath(tool, options);
  const out = spawnSync(file, ['--version'], { encoding: 'utf8' });
  const match = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?/.exec(out.stdout ?? '');
  if (out.error || out.status !== 0 || !match) {
    const reason = out.error ? (out.error as NodeJS.ErrnoException).code ?? out.error.message : `exit ${out.status}`;
    throw new DrydockError(`cannot run ${tool} (${file}): ${reason}`, {
      details: installedClientsLine(),
      fix: `install the PostgreSQL client programs, or pass the ${tool} path or the bin directory (e.g. /usr/lib/postgresql/<major>/bin)`,
    });
  }
  const major = Number(match[1]);
  return { path: file, version: match[2] ? `${match[1]}.${match[2]}` : match[1], major };
}

/** "client programs found: 15.18 (/usr/lib/postgresql/15/bin)" — tells the user which bin dir to pass. */
export function installedClientsLine(): string[] {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return [];
  const found = fs
    .readdirSync(root)
    .map((v) => path.join(root, v, 'bin'))
    .filter((dir) => fs.existsSync(path.join(dir, 'pg_dump')))
    .map((dir) => {
      const out = spawnSync(path.join(dir, 'pg_dump'), ['--version'], { encoding: 'utf8' });
      const version = /\(PostgreSQL\)\s+([\d.]+)/.exec(out.stdout ?? '')?.[1] ?? '?';
      return `${version} (${dir})`;
    });
  return found.length ? [`client programs found: ${found.join(', ')}`] : [];
}

/**
 * pg_dump refuses servers of a newer major version, and pg_restore cannot read archives written by a
 * newer pg_dump: say so before anything runs. `what` names the newer side, e.g. "the server (PostgreSQL 18.4)".
 */
export function assertNotOlder(tool: PgTool, found: ToolVersion, neededMajor: number, what: string): void {
  if (found.major >= neededMajor) return;
  throw new DrydockError(`${tool} ${found.version} (${found.path}) is older than ${what}: it cannot read it`, {
    details: installedClientsLine(),
    fix:
      `install the PostgreSQL ${neededMajor} client programs (e.g. postgresql-client-${neededMajor}) and pass their bin directory ` +
      `(pgBinDir, e.g. /usr/lib/postgresql/${neededMajor}/bin)` +
      (tool === 'pg_dump' ? ', or set backup: none to deploy without a backup' : ''),
  });
}

/** A connection for libpq programs: the URL without its password (for argv) and the password as PGPASSWORD. */
export function libpqConnection(databaseUrl: string): { dbname: string; env: NodeJS.ProcessEnv } {
  registerSecret(databaseUrl);
  const url = new URL(databaseUrl);
  const password = url.password ? decodeURIComponent(url.password) : url.searchParams.get('password') ?? undefined;
  url.password = '';
  url.searchParams.delete('password');
  registerSecret(password);
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (password !== undefined) env.PGPASSWORD = password;
  return { dbname: url.toString(), env };
}

/** The database name in a connection URL. */
export function databaseName(databaseUrl: string): string {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
  if (!name) throw new DrydockError('the database URL names no database', { fix: 'use postgres://user@host:port/dbname' });
  return name;
}

/** The same server, another database. */
export function urlForDatabase(databaseUrl: string, database: string): string {
  const url = new URL(databaseUrl);
  url.pathname = '/' + encodeURIComponent(database);
  return url.toString();
}
