'use strict';
/**
 * npm run bench:backup — backupDatabase() (pg_dump -Fc streamed to S3, hashed, verified) against
 * `pg_dump -Fc > /dev/null` on the same database, side by side in one run, alternating order to
 * share the page cache fairly. Database: a few hundred MB made with generate_series on the machine's
 * PostgreSQL 15. S3: s3rver in a child process. Writes bench/results/backup.md.
 *
 * BENCH_BACKUP_ROWS (default 2500000, about 400 MB of table) and BENCH_BACKUP_ROUNDS (default 3).
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startEphemeralServer } = require('../lib/dryrun/providers');
const { withClient } = require('../lib/util/pg');
const { backupDatabase } = require('../lib/deploy/backup');

const ROWS = Number(process.env.BENCH_BACKUP_ROWS ?? 2_500_000);
const ROUNDS = Number(process.env.BENCH_BACKUP_ROUNDS ?? 3);
const MB = 1024 * 1024;

async function main() {
  const server = await startEphemeralServer({ provider: 'machine', pgVersion: 15 });
  const s3Dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drydock-bench-s3-'));
  const s3 = await startS3(s3Dir);
  try {
    const { url } = await server.createDatabase({ name: 'bench_backup' });
    const dbBytes = await seed(url);
    const loadBefore = os.loadavg();
    const pgDump = '/usr/lib/postgresql/15/bin/pg_dump';
    const location = {
      bucket: 'backups',
      prefix: 'bench',
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    };
    const runs = { devnull: [], stream: [], full: [] };
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? ['devnull', 'stream', 'full'] : ['full', 'stream', 'devnull'];
      for (const kind of order) {
        const started = process.hrtime.bigint();
        let bytes;
        if (kind === 'devnull') bytes = await dumpToDevNull(pgDump, url);
        else bytes = (await backupDatabase({ databaseUrl: url, s3: location, pgDumpPath: pgDump, verify: kind === 'full', retain: 1 })).bytes;
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        runs[kind].push({ ms, bytes });
        console.log(`round ${round + 1} ${kind}: ${(ms / 1000).toFixed(2)} s, dump ${(bytes / MB).toFixed(1)} MiB`);
      }
    }
    writeReport(dbBytes, runs, loadBefore);
  } finally {
    s3.stop();
    fs.rmSync(s3Dir, { recursive: true, force: true });
    await server.stop();
  }
}

async function seed(url) {
  return withClient(url, async (c) => {
    await c.query(`CREATE TABLE events AS
      SELECT g AS id, md5(g::text) AS hash, (g % 1000) AS account, now() - g * interval '1 second' AS at,
             repeat(chr(65 + g % 26), 40 + g % 60) AS payload
        FROM generate_series(1, ${ROWS}) g`);
    await c.query('ALTER TABLE events ADD PRIMARY KEY (id)');
    const { rows } = await c.query('SELECT pg_database_size(current_database()) AS n');
    return Number(rows[0].n);
  });
}

function dumpToDevNull(pgDump, url) {
  return new Promise((resolve, reject) => {
    const out = fs.openSync('/dev/null', 'w');
    const child = spawn(pgDump, ['--format=custom', '--no-password', '--dbname', url], { stdio: ['ignore', out, 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => {
      fs.closeSync(out);
      if (code !== 0) return reject(new Error(`pg_dump exited with ${code}`));
      resolve(0);
    });
  });
}

function startS3(directory) {
  const child = spawn(process.execPath, [path.join(__dirname, 'backup-s3-server.js'), directory], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.stdout.once('data', (chunk) => {
      resolve({ endpoint: `http://127.0.0.1:${String(chunk).trim()}`, stop: () => child.kill('SIGTERM') });
    });
  });
}

function writeReport(dbBytes, runs, loadBefore) {
  const rate = (r) => dbBytes / MB / (r.ms / 1000);
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  // Other work on the machine moves all runs; the ratio within a round (runs back to back) moves less.
  const ratios = (kind) => runs[kind].map((r, i) => runs.devnull[i].ms / r.ms);
  const medianMs = (kind) => median(runs[kind].map((r) => r.ms));
  const row = (name, kind) =>
    `| ${name} | ${(medianMs(kind) / 1000).toFixed(2)} | ${rate({ ms: medianMs(kind) }).toFixed(1)} | ${median(ratios(kind)).toFixed(2)}× | ${ratios(kind).map((x) => x.toFixed(2)).join(', ')} |`;
  const stream = median(ratios('stream'));
  const full = median(ratios('full'));
  const load = (l) => l.map((x) => x.toFixed(1)).join(' ');
  const text = [
    '# Backup throughput (npm run bench:backup)',
    '',
    `${new Date().toISOString()} · ${os.cpus().length} CPUs (${os.cpus()[0].model}) · Node ${process.version} · PostgreSQL 15 (machine) · ` +
      `s3rver in a child process on loopback · load average before ${load(loadBefore)}, after ${load(os.loadavg())}`,
    '',
    `Database: ${(dbBytes / MB).toFixed(0)} MiB (pg_database_size; ${ROWS} rows made with generate_series). ` +
      `Dump (-Fc): ${(runs.stream[0].bytes / MB).toFixed(1)} MiB. ${ROUNDS} rounds; each round runs the three back to back, order alternated.`,
    '',
    '| run | median seconds | database MiB/s | median throughput vs pg_dump > /dev/null (same round) | per round |',
    '|---|---|---|---|---|',
    row('`pg_dump -Fc > /dev/null`', 'devnull'),
    row('backupDatabase, verify: false (pre-flight + stream to S3 + sha256 + metadata)', 'stream'),
    row('backupDatabase, default (… + read back: size, sha256, pg_restore --list)', 'full'),
    '',
    `Target: streaming backup ≥ 0.8× pg_dump > /dev/null — ${stream >= 0.8 ? 'met' : 'NOT met'} (${stream.toFixed(2)}×); ` +
      `with verification ${full.toFixed(2)}× (${full >= 0.8 ? 'also ≥' : 'below'} 0.8×).`,
    '',
  ].join('\n');
  fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  fs.writeFileSync(path.join(__dirname, 'results', 'backup.md'), text);
  console.log('\n' + text);
}

main().catch((error) => {
  console.error(error && error.format ? error.format() : error);
  process.exitCode = 1;
});
