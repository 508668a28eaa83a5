/** Small helpers over node-postgres: connections that always close, and the application name. */
import { Client, ClientConfig } from 'pg';

export const APPLICATION_NAME = 'drydock';

export async function connect(url: string, config: Partial<ClientConfig> = {}): Promise<Client> {
  const client = new Client({ connectionString: url, application_name: APPLICATION_NAME, ...config });
  // An idle client whose server goes away emits 'error'; without a listener that kills the process.
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

export async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = await connect(url);
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
