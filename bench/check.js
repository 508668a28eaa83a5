#!/usr/bin/env node
/**
 * `npm run bench:check`: the foundation figure — `drydock check <lemmy> --static --format json`
 * (discover + parse + analyse + JSON, as a user runs the CLI) — beside the floor of starting Node
 * and reading the same files, in one run. Writes bench/results/check.md. Needs the compiled lib/.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const corpus = path.resolve(__dirname, '..', '..', 'shared', 'corpora', 'lemmy', 'migrations');
if (!fs.existsSync(corpus)) {
  console.log(`skipped: ${corpus} is absent (the corpora live beside the project in ../shared)`);
  process.exit(0);
}
const bin = path.join(__dirname, '..', 'bin', 'drydock.js');
const ROUNDS = 7;

function timed(args) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.error) throw result.error;
  return { ms, status: result.status, bytes: result.stdout.length };
}

const floorScript = `const fs=require('fs'),p=require('path');const d=${JSON.stringify(corpus)};let n=0;for(const m of fs.readdirSync(d))for(const f of ['up.sql','down.sql']){const x=p.join(d,m,f);if(fs.existsSync(x))n+=fs.readFileSync(x,'utf8').length}`;
const floor = [];
const check = [];
let last;
for (let i = 0; i < ROUNDS; i++) {
  floor.push(timed(['-e', floorScript]).ms);
  last = timed([bin, 'check', corpus, '--static', '--format', 'json', '--fail-on', 'never']);
  if (last.status !== 0) throw new Error(`drydock check exited ${last.status}`);
  check.push(last.ms);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const lines = [
  '# drydock check on lemmy (static, JSON)',
  '',
  `Corpus: lemmy, 342 diesel migrations (up + down parsed). ${ROUNDS} interleaved rounds, median. ${new Date().toISOString()}`,
  `Machine: ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(', ')}.`,
  '',
  '| command | median ms | runs (ms) |',
  '|---|---:|---|',
  `| floor: node reading the same files | ${median(floor).toFixed(0)} | ${floor.map((x) => x.toFixed(0)).join(', ')} |`,
  `| \`drydock check lemmy --static --format json\` | ${median(check).toFixed(0)} | ${check.map((x) => x.toFixed(0)).join(', ')} |`,
  '',
  `Target (foundation issue): under 2000 ms. ${median(check) < 2000 ? 'Met' : 'NOT met'}; ratio to the floor ${(median(check) / median(floor)).toFixed(1)}×. JSON output ${(last.bytes / 1024 / 1024).toFixed(1)} MiB.`,
  '',
];
fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
fs.writeFileSync(path.join(__dirname, 'results', 'check.md'), lines.join('\n'));
console.log(lines.join('\n'));
