import type { EphemeralServer } from '../../src/dryrun/providers';

export default async function globalTeardown(): Promise<void> {
  const servers = (globalThis as { __drydockTestServers?: EphemeralServer[] }).__drydockTestServers ?? [];
  for (const server of servers) await server.stop();
}
