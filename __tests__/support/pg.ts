/**
 * Access to the servers started by global-setup.ts. Each test gets its own database, dropped by
 * `dropTestDatabases()` (call it in afterAll).
 */
import { randomBytes } from 'node:crypto';
import { withClient } from '../../src/util/pg';

const created: { admin: string; name: string }[] = [];

/** Major versions available in this run, e.g. ["18", "15"]. The first is the embedded server. */
export function testServerVersions(): string[] {
  return Object.keys(servers());
}

function servers(): Record<string, string> {
  const raw = process.env.DRYDOCK_TEST_SERVERS;
  if (!raw) throw new Error('DRYDOCK_TEST_SERVERS is not set: run the tests through jest (global-setup.ts)');
  return JSON.parse(raw) as Record<string, string>;
}

/** Admin URL (database "postgres") of the server with this major version (default: embedded). */
export function testServerUrl(major?: string): string {
  const all = servers();
  const key = major ?? Object.keys(all).sort().reverse()[0];
  const url = all[key];
  if (!url) throw new Error(`no PostgreSQL ${key} test server in this run`);
  return url;
}

export async function createTestDatabase(major?: string): Promise<string> {
  const admin = testServerUrl(major);
  const name = `t_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await withClient(admin, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE template0`));
  created.push({ admin, name });
  const u = new URL(admin);
  u.pathname = '/' + name;
  return u.toString();
}

export async function dropTestDatabases(): Promise<void> {
  while (created.length) {
    const { admin, name } = created.pop()!;
    await withClient(admin, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).catch(() => undefined);
  }
}
