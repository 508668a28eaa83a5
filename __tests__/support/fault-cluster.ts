/**
 * A PostgreSQL cluster of a test's own (the shared test servers must not be restarted or
 * reconfigured): started with the dry run's machine provider, then restarted, or given password
 * authentication, with the server's own tools run as the server's OS user.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chooseInstall, startEphemeralServer, type EphemeralServer } from '../../src/dryrun/providers';
import { withClient } from '../../src/util/pg';

export interface OwnCluster {
  server: EphemeralServer;
  dataDir: string;
  binDir: string;
  /** The postmaster's process id (from postmaster.pid). */
  postmasterPid(): number;
  /** pg_ctl restart -m fast: every session is terminated, the server comes back on the same port. */
  restart(): void;
  /** Put these lines first in pg_hba.conf and reload. */
  prependHba(lines: string[]): Promise<void>;
  stop(): Promise<void>;
}

function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  return { uid: id('-u'), gid: id('-g') };
}

export async function startOwnCluster(): Promise<OwnCluster> {
  const server = await startEphemeralServer({ provider: 'machine' });
  const admin = server.urlFor('postgres');
  const dataDir = await withClient(admin, async (c) => (await c.query<{ d: string }>("SELECT current_setting('data_directory') AS d")).rows[0].d);
  const hbaFile = await withClient(admin, async (c) => (await c.query<{ f: string }>("SELECT current_setting('hba_file') AS f")).rows[0].f);
  const binDir = chooseInstall({ provider: 'machine' }).binDir;
  const user = serverUser();
  return {
    server,
    dataDir,
    binDir,
    postmasterPid: () => Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]),
    restart() {
      // -l: without it the new postmaster keeps pg_ctl's output pipe open and spawnSync never returns.
      const log = path.join(path.dirname(dataDir), 'server.log');
      const r = spawnSync(path.join(binDir, 'pg_ctl'), ['restart', '-D', dataDir, '-m', 'fast', '-w', '-t', '60', '-l', log], {
        stdio: 'ignore',
        timeout: 90_000,
        ...(user ?? {}),
      });
      if (r.status !== 0) throw new Error(`pg_ctl restart failed (exit ${r.status}); see ${log}`);
    },
    async prependHba(lines) {
      const current = fs.readFileSync(hbaFile, 'utf8');
      fs.writeFileSync(hbaFile, `${lines.join('\n')}\n${current}`);
      await withClient(admin, (c) => c.query('SELECT pg_reload_conf()'));
    },
    stop: () => server.stop(),
  };
}
