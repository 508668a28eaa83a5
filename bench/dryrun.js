'use strict';
/**
 * npm run bench:dryrun — the dry run against its floor, side by side in one run on the same server
 * (from the compiled lib/; run `npm run build:lib` first):
 *   floor        one connection, each lemmy up.sql sent as one query, no tracing
 *   full trace   dryRun() with every lemmy migration new (traced statement by statement)   target ≤ 1.5 × floor
 *   PR check     server start + dryRun() of 2 new migrations on top of lemmy, cold cache   target ≤ 2 × (floor + start)
 *   PR warm      the same with the base-schema cache warm (reused data directory + template) target ≤ 0.5 × (floor + start)
 * Also measured, for information: the full trace with down round trips.
 * Writes bench/results/dryrun.md. BENCH_DRYRUN_ROUNDS (default 7, median reported),
 * BENCH_DRYRUN_PROVIDER (embedded | machine, default embedded), DRYDOCK_CORPORA.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { startEphemeralServer } = require('../lib/dryrun/providers');
const { dryRun } = require('../lib/dryrun');
const { discover } = require('../lib/discover');
const { parseMigration } = require('../lib/engine/load');
const { loadParser } = require('../lib/parse/parser');
const { withClient } = require('../lib/util/pg');

const ROUNDS = Number(process.env.BENCH_DRYRUN_ROUNDS ?? 7);
const PROVIDER = process.env.BENCH_DRYRUN_PROVIDER ?? 'embedded';
const CORPORA = process.env.DRYDOCK_CORPORA ?? path.resolve(__dirname, '..', '..', 'shared', 'corpora');
const LEMMY_SETUP_SQL = `CREATE TABLE __diesel_schema_migrations (
  version varchar(50) PRIMARY KEY NOT NULL,
  run_on timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP
);`;

/** Two new migrations of a typical PR, on top of lemmy's history. */
const PR_MIGRATIONS = [
  {
    id: '2099-01-01-000001_add_bench_note',
    up: 'ALTER TABLE person ADD COLUMN bench_note text;\nUPDATE person SET bench_note = name;\n',
    down: 'ALTER TABLE person DROP COLUMN bench_note;\n',
  },
  {
    id: '2099-01-01-000002_index_bench_note',
    up: 'CREATE INDEX person_bench_note ON person (bench_note);\n',
    down: 'DROP INDEX person_bench_note;\n',
  },
];

async function loadLemmy() {
  await loadParser();
  const discovery = await discover({ cwd: path.join(CORPORA, 'lemmy'), dirs: ['migrations'] });
  return discovery.migrations.map((file) => parseMigration(file));
}

function fresh(migrations, isNew) {
  return migrations.map((m) => {
    const copy = parseMigration({ ...m.file, isNew: isNew(m) });
    return copy;
  });
}

function prMigrations(lemmy) {
  const template = lemmy[lemmy.length - 1].file;
  const added = PR_MIGRATIONS.map((spec) => {
    const dir = `migrations/${spec.id}`;
    return parseMigration({
      ...template,
      id: spec.id,
      description: spec.id,
      path: `${dir}/up.sql`,
      absPath: path.join(CORPORA, 'lemmy', dir, 'up.sql'),
      sql: spec.up,
      sqlStartLine: 1,
      checksum: spec.id,
      down: { path: `${dir}/down.sql`, absPath: path.join(CORPORA, 'lemmy', dir, 'down.sql'), sql: spec.down, sqlStartLine: 1 },
      isNew: true,
    });
  });
  return [...fresh(lemmy, () => false), ...added];
}

async function floor(server, lemmy) {
  const started = performance.now();
  const db = await server.createDatabase();
  await withClient(db.url, async (client) => {
    await client.query(LEMMY_SETUP_SQL);
    for (const m of lemmy) await client.query(m.file.sql);
  });
  const ms = performance.now() - started;
  await server.dropDatabase(db.name);
  return ms;
}

async function timeStart(options) {
  const started = performance.now();
  const server = await startEphemeralServer(options);
  return { server, ms: performance.now() - started };
}

async function main() {
  if (!fs.existsSync(path.join(CORPORA, 'lemmy'))) throw new Error(`lemmy corpus not found under ${CORPORA}`);
  const parseStarted = performance.now();
  const lemmy = await loadLemmy();
  const parseMs = performance.now() - parseStarted;
  const statementCount = lemmy.reduce((n, m) => n + m.parsed.statements.length, 0);
  const loadBefore = os.loadavg();
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'drydock-bench-cache-'));
  // PostgreSQL runs as its own user when the bench runs as root: it must reach the data directory.
  fs.chmodSync(cacheDir, 0o755);
  const rows = { floor: [], full: [], fullRoundTrip: [], start: [], prCold: [], prWarm: [] };
  let version = '';
  const main = await startEphemeralServer({ provider: PROVIDER });
  try {
    version = `${main.version} (${main.provider})`;
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate the order so neither side always runs on a warmer server.
      const pair = [
        async () => rows.floor.push(await floor(main, lemmy)),
        async () => {
          const result = await dryRun(fresh(lemmy, () => true), { server: main, setupSql: LEMMY_SETUP_SQL, cacheDir: null, roundTrip: false });
          if (result.failed) throw new Error(`full trace failed: ${JSON.stringify(result.failed)}`);
          // Like the floor, up to the last statement: dropping the database is left out of both.
          rows.full.push(result.timings.totalMs - result.timings.cleanupMs);
        },
      ];
      if (round % 2) pair.reverse();
      for (const step of pair) await step();
      const withRoundTrip = await dryRun(fresh(lemmy, () => true), { server: main, setupSql: LEMMY_SETUP_SQL, cacheDir: null });
      rows.fullRoundTrip.push(withRoundTrip.timings.totalMs);

      // Server start alone (fresh initdb), the reference for the PR check.
      const plain = await timeStart({ provider: PROVIDER });
      rows.start.push(plain.ms);
      await plain.server.stop();

      // PR check, cold cache: a new cache folder (initdb + replay + template), then warm: same folder.
      const roundCache = path.join(cacheDir, `round-${round}`);
      for (const key of ['prCold', 'prWarm']) {
        const started = performance.now();
        const server = await startEphemeralServer({ provider: PROVIDER, cacheDir: roundCache });
        try {
          const result = await dryRun(prMigrations(lemmy), { server, setupSql: LEMMY_SETUP_SQL, cacheDir: roundCache });
          if (result.failed) throw new Error(`PR check failed: ${JSON.stringify(result.failed)}`);
          if (result.cacheHit !== (key === 'prWarm')) throw new Error(`${key}: unexpected cacheHit=${result.cacheHit}`);
        } finally {
          await server.stop();
        }
        rows[key].push(performance.now() - started);
      }
    }
  } finally {
    await main.stop();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }

  const m = Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, median(v)]));
  const prBase = m.floor + m.start;
  // The full trace and its floor run back to back in every round, so each round gives one paired
  // ratio: the server's speed drifts between rounds (the floor alone swung 1.6–2.8 s on this
  // machine), and pairing cancels that drift where a ratio of two medians does not.
  const pairedRatios = rows.full.map((v, i) => v / rows.floor[i]);
  const checks = [
    ['full traced dry run', m.full, m.floor, 1.5, 'floor', median(pairedRatios), 'median of the per-round ratios'],
    ['PR check (2 new), cold cache, with server start', m.prCold, prBase, 2, 'floor + start'],
    ['PR check (2 new), warm cache, with server start', m.prWarm, prBase, 0.5, 'floor + start'],
  ].map(([label, value, reference, limit, refLabel, ratio = value / reference, how = 'ratio of the medians']) => ({ label, value, reference, limit, refLabel, ratio, how }));
  const lines = [
    '# Dry-run benchmark',
    '',
    `lemmy: ${lemmy.length} migrations, ${statementCount} statements · PostgreSQL ${version} · ${ROUNDS} rounds, median ·`,
    `${os.cpus().length} CPUs · load average before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} · ${new Date().toISOString()}`,
    '',
    '| measurement | median ms | all rounds (ms) |',
    '|---|---:|---|',
    ...[
      ['floor: one connection, each up.sql as one query, no tracing', rows.floor],
      ['full traced dry run (no round trips)', rows.full],
      ['full traced dry run with down round trips (information)', rows.fullRoundTrip],
      ['server start (initdb + start + stop)', rows.start],
      ['PR check, cold cache (start + replay + template + trace 2)', rows.prCold],
      ['PR check, warm cache (start on cached data dir + clone + trace 2)', rows.prWarm],
    ].map(([label, values]) => `| ${label} | ${Math.round(median(values))} | ${values.map((v) => Math.round(v)).join(', ')} |`),
    '',
    '| target | measured (median) | reference (median) | ratio | limit | result |',
    '|---|---:|---:|---:|---:|---|',
    ...checks.map(
      (c) =>
        `| ${c.label} | ${Math.round(c.value)} ms | ${c.refLabel} = ${Math.round(c.reference)} ms | ${c.ratio.toFixed(2)}× (${c.how}) | ${c.limit}× | ${c.ratio <= c.limit ? 'pass' : 'FAIL'} |`,
    ),
    '',
    `Full trace / floor per round (the two ran back to back in each round): ${pairedRatios.map((r) => r.toFixed(2)).join(', ')}; ratio of the medians ${(m.full / m.floor).toFixed(2)}×.`,
    '',
    `Parsing lemmy (discovery + libpg-query, not part of any measurement above): ${Math.round(parseMs)} ms.`,
    '',
  ];
  const text = lines.join('\n');
  fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  fs.writeFileSync(path.join(__dirname, 'results', 'dryrun.md'), text);
  process.stdout.write(text);
  if (checks.some((c) => c.ratio > c.limit)) process.exitCode = 1;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

main().catch((error) => {
  process.stderr.write(`${error.format ? error.format() : error.stack}\n`);
  process.exitCode = 2;
});
