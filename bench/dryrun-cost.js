'use strict';
/**
 * npm run bench:dryrun-cost — where a traced dry run's time goes beyond plain replay, on one server
 * (from the compiled lib/). Each variant replays lemmy into a fresh database, each file as one query:
 *   floor      the file as it is
 *   split      BEGIN; each statement; COMMIT (how the tracer sends a file)
 *   select1    the same with `SELECT 1` after every statement (the cost of an extra statement)
 *   trace      the same with drydock.trace() after every statement (what the tracer sends)
 * trace − select1 is the price of reading the locks, scans and WAL after every statement.
 * BENCH_DRYRUN_ROUNDS (default 3); TMPDIR picks the file system of the cluster's data directory
 * (TMPDIR=/dev/shm takes the kernel's file-creation cost, which dominates the floor on ext4, out).
 */
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { startEphemeralServer } = require('../lib/dryrun/providers');
const { installTracer, TRACE_SQL } = require('../lib/dryrun/trace-query');
const { discover } = require('../lib/discover');
const { parseMigration } = require('../lib/engine/load');
const { loadParser } = require('../lib/parse/parser');
const { withClient } = require('../lib/util/pg');

const ROUNDS = Number(process.env.BENCH_DRYRUN_ROUNDS ?? 3);
const CORPORA = process.env.DRYDOCK_CORPORA ?? path.resolve(__dirname, '..', '..', 'shared', 'corpora');
const LEMMY_SETUP_SQL = `CREATE TABLE __diesel_schema_migrations (version varchar(50) PRIMARY KEY NOT NULL, run_on timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP);`;

const wrapped = (m, after) => ['BEGIN', ...m.parsed.statements.flatMap((s) => (after ? [s.sql, after] : [s.sql])), 'COMMIT'].join(';\n');
const VARIANTS = {
  floor: (m) => m.file.sql,
  split: (m) => wrapped(m, null),
  select1: (m) => wrapped(m, 'SELECT 1'),
  trace: (m) => wrapped(m, TRACE_SQL),
};

async function main() {
  await loadParser();
  const discovery = await discover({ cwd: path.join(CORPORA, 'lemmy'), dirs: ['migrations'] });
  const lemmy = discovery.migrations.map((file) => parseMigration(file));
  const server = await startEphemeralServer({ provider: 'embedded' });
  const times = Object.fromEntries(Object.keys(VARIANTS).map((k) => [k, []]));
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const order = Object.keys(VARIANTS);
      if (round % 2) order.reverse();
      for (const name of order) {
        const db = await server.createDatabase();
        await withClient(db.url, async (client) => {
          await client.query(LEMMY_SETUP_SQL);
          await installTracer(client);
          const queries = lemmy.map(VARIANTS[name]);
          const started = performance.now();
          for (const query of queries) await client.query(query);
          times[name].push(performance.now() - started);
        });
        await server.dropDatabase(db.name);
      }
    }
  } finally {
    await server.stop();
  }
  const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
  const statements = lemmy.reduce((n, m) => n + m.parsed.statements.length, 0);
  console.log(`lemmy: ${lemmy.length} files, ${statements} statements · ${server.version} · data directory under ${require('node:os').tmpdir()} · ${ROUNDS} rounds`);
  for (const [name, values] of Object.entries(times)) {
    console.log(`${name.padEnd(8)} median ${median(values).toFixed(0).padStart(5)} ms   rounds ${values.map((v) => v.toFixed(0)).join(', ')}`);
  }
  const perStatement = (median(times.trace) - median(times.select1)) / statements;
  console.log(`trace − select1: ${perStatement.toFixed(3)} ms per statement`);
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exitCode = 2;
});
