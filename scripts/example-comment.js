#!/usr/bin/env node
/**
 * Regenerates docs/example-comment.md: the PR comment drydock posts for the bundled examples
 * (versions 1–2 deployed, 3–5 in the pull request), from a real dry run. Needs the compiled lib/.
 *   node scripts/example-comment.js [--stats FILE]
 */
const fs = require('node:fs');
const path = require('node:path');
const { runCheck } = require('../lib/engine/check');
const { renderComment, initialState } = require('../lib/report/markdown');
const { factsLine } = require('../lib/report/markdown/headline');

async function main() {
  const root = path.join(__dirname, '..');
  const statsIndex = process.argv.indexOf('--stats');
  const { report, failOn } = await runCheck({
    cwd: root,
    dirs: ['examples/migrations'],
    since: '2',
    mode: 'dry-run',
    statsFile: statsIndex > 0 ? process.argv[statsIndex + 1] : undefined,
    cacheDir: null,
  });
  const state = initialState(report, failOn, factsLine(report), null);
  const { body } = renderComment(report, state, { key: 'examples/migrations' });
  fs.writeFileSync(path.join(root, 'docs', 'example-comment.md'), body.endsWith('\n') ? body : body + '\n');
  console.log(`wrote docs/example-comment.md (${body.length} characters)`);
}

main().catch((error) => {
  console.error(error.format ? error.format() : error);
  process.exit(1);
});
