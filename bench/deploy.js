'use strict';
/**
 * npm run bench:deploy — deploy() (lock, pre-flight, one transaction or autocommit per migration,
 * per-statement timing, WAL and size measurements, history rows, watchdog) against the floor: one
 * connection sending each migration file as one query. Backup off. Side by side in one run, each
 * on a fresh database, order alternated each round. Writes bench/results/deploy.md.
 *
 * The machine is shared, so runs vary with load: the target is judged on the best run of each side
 * (the least disturbed), and the medians are reported next to it.
 *
 * BENCH_DEPLOY_ROUNDS (default 7), BENCH_DEPLOY_ROWS per table (default 60000), BENCH_DEPLOY_TABLES (default 6).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startEphemeralServer } = require('../lib/dryrun/providers');
const { connect } = require('../lib/util/pg');
const { deploy } = require('../lib/deploy');
const { parseMigration } = require('../lib/engine/load');
const { loadParser } = require('../lib/parse/parser');
const { migrationChecksum } = require('../lib/discover/checksum');

const ROUNDS = Number(process.env.BENCH_DEPLOY_ROUNDS ?? 7);
const ROWS = Number(process.env.BENCH_DEPLOY_ROWS ?? 60000);
const TABLES = Number(process.env.BENCH_DEPLOY_TABLES ?? 6);
const TARGET = 1.1;

/** Four migrations per table: create + load, concurrent index, column with default + comment, backfill + constraint. */
function workload() {
  const files = [];
  for (let t = 1; t <= TABLES; t++) {
    const table = `orders_${t}`;
    files.push(
      {
        description: `create ${table}`,
        transactional: true,
        sql: `CREATE TABLE ${table} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id int NOT NULL, total numeric(10,2) NOT NULL, placed_at timestamptz NOT NULL);
INSERT INTO ${table} (customer_id, total, placed_at)
  SELECT g % 5000, (g % 997) / 10.0, '2024-01-01'::timestamptz + g * interval '1 minute' FROM generate_series(1, ${ROWS}) g;`,
      },
      {
        description: `index ${table} customer`,
        transactional: false,
        sql: `CREATE INDEX CONCURRENTLY ${table}_customer_idx ON ${table} (customer_id);`,
      },
      {
        description: `add ${table} status`,
        transactional: true,
        sql: `ALTER TABLE ${table} ADD COLUMN status text NOT NULL DEFAULT 'placed';
COMMENT ON COLUMN ${table}.status IS 'order status';`,
      },
      {
        description: `backfill ${table} discount`,
        transactional: true,
        sql: `ALTER TABLE ${table} ADD COLUMN discount numeric(10,2);
UPDATE ${table} SET discount = total * 0.1 WHERE customer_id % 3 = 0;
ALTER TABLE ${table} ADD CONSTRAINT ${table}_discount_check CHECK (discount >= 0) NOT VALID;
ALTER TABLE ${table} VALIDATE CONSTRAINT ${table}_discount_check;`,
      },
    );
  }
  return files.map((f, i) => ({ ...f, id: String(i + 1).padStart(3, '0') }));
}

function parsed(files) {
  return files.map((f) =>
    parseMigration({
      id: f.id,
      description: f.description,
      path: `db/migrations/${f.id}_${f.description.replace(/ /g, '_')}.sql`,
      absPath: `/bench/${f.id}.sql`,
      layout: 'plain',
      direction: 'up',
      sql: f.sql,
      sqlStartLine: 1,
      checksum: migrationChecksum(Buffer.from(f.sql)),
      transactional: f.transactional,
      transactionSource: 'default',
      down: null,
      verify: null,
      isNew: true,
    }),
  );
}

/** The floor: one connection, each file as one query (a file is one implicit transaction). */
async function floor(url, files) {
  const started = performance.now();
  const client = await connect(url);
  try {
    for (const f of files) await client.query(f.sql);
  } finally {
    await client.end();
  }
  return performance.now() - started;
}

async function drydock(url, migrations) {
  const started = performance.now();
  const result = await deploy({ databaseUrl: url, migrations, backup: 'none', actor: 'bench' });
  if (result.outcome !== 'applied') throw new Error(`deploy ${result.outcome}:\n${result.summary}`);
  return performance.now() - started;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const best = (xs) => Math.min(...xs);
const s = (ms) => (ms / 1000).toFixed(2);

async function main() {
  await loadParser();
  const files = workload();
  const migrations = parsed(files);
  const server = await startEphemeralServer({ provider: 'machine', pgVersion: 15 });
  const runs = { floor: [], drydock: [] };
  const loadAtStart = os.loadavg()[0].toFixed(2);
  try {
    // One warm-up of each, not counted: first-use catalog caches and page cache.
    for (const run of [floor, drydock]) {
      const { name } = await server.createDatabase();
      await run(server.urlFor(name), run === floor ? files : migrations);
      await server.dropDatabase(name);
    }
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? ['floor', 'drydock'] : ['drydock', 'floor'];
      for (const which of order) {
        const { name } = await server.createDatabase();
        const url = server.urlFor(name);
        const ms = which === 'floor' ? await floor(url, files) : await drydock(url, migrations);
        runs[which].push(ms);
        await server.dropDatabase(name);
        process.stderr.write(`round ${round + 1}/${ROUNDS} ${which}: ${s(ms)} s\n`);
      }
    }
  } finally {
    await server.stop();
  }
  const ratio = best(runs.drydock) / best(runs.floor);
  const medianRatio = median(runs.drydock) / median(runs.floor);
  const cpus = os.cpus();
  const statements = migrations.reduce((n, m) => n + m.parsed.statements.length, 0);
  const report = `# Deploy apply overhead (npm run bench:deploy)

${new Date().toISOString()} · ${cpus.length} CPUs (${cpus[0]?.model.trim() ?? 'unknown'}) · Node ${process.version} · PostgreSQL 15 (machine) · load average ${loadAtStart} at start, ${os.loadavg()[0].toFixed(2)} at end

Workload: ${files.length} migrations, ${statements} statements over ${TABLES} tables of ${ROWS} rows (create + load, CREATE INDEX
CONCURRENTLY, ADD COLUMN with default + COMMENT, backfill UPDATE + CHECK NOT VALID + VALIDATE). Each run on a fresh database;
${ROUNDS} rounds, order alternated each round, after one uncounted warm-up of each. Backup off.

| run | best s | median s | all runs (s) | best vs floor | median vs floor |
|---|---|---|---|---|---|
| floor: one connection, each file as one query | ${s(best(runs.floor))} | ${s(median(runs.floor))} | ${runs.floor.map(s).join(', ')} | 1.00× | 1.00× |
| drydock deploy() (lock, pre-flight, per-statement timing, WAL + sizes, history, watchdog) | ${s(best(runs.drydock))} | ${s(median(runs.drydock))} | ${runs.drydock.map(s).join(', ')} | ${ratio.toFixed(3)}× | ${medianRatio.toFixed(3)}× |

Target: deploy ≤ ${TARGET}× the floor (best runs) — ${ratio <= TARGET ? 'met' : 'NOT met'} (${ratio.toFixed(3)}×; medians ${medianRatio.toFixed(3)}×).
`;
  const out = path.join(__dirname, 'results', 'deploy.md');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, report);
  process.stdout.write(report);
  if (ratio > TARGET) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exitCode = 1;
  });
}

module.exports = { workload, parsed };
