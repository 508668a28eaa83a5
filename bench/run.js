#!/usr/bin/env node
/**
 * `npm run bench`: every benchmark, one after another (each writes bench/results/<name>.md).
 * `node bench/run.js NAME...` runs some. They compare drydock with a baseline run side by side in
 * the same process tree, so the ratios hold on a loaded machine better than absolute times.
 */
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const ALL = ['check', 'lint', 'dryrun', 'deploy', 'backup', 'estimate'];
const names = process.argv.slice(2).filter((n) => n !== 'all');
const selected = names.length ? names : ALL;
const unknown = selected.filter((n) => !ALL.includes(n));
if (unknown.length) {
  console.error(`unknown benchmark ${unknown.join(', ')}; use: ${ALL.join(', ')}`);
  process.exit(2);
}
const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: path.join(__dirname, '..'), stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
let failed = 0;
for (const name of selected) {
  console.log(`\n== bench:${name}`);
  const result = spawnSync(process.execPath, [path.join(__dirname, `${name}.js`)], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
