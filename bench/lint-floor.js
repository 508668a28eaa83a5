#!/usr/bin/env node
/**
 * The floor under any linter built on the real PostgreSQL parser in Node, for `npm run bench:lint`:
 * start Node, load libpg-query (WebAssembly, baseline compiler only, as drydock loads it), read every
 * up.sql of the folder and parse it. No discovery, no positions, no analysis, no output.
 * What drydock adds on top of this is its own cost; this part no libpg-query-based tool can skip.
 */
const fs = require('node:fs');
const path = require('node:path');
const { setFlagsFromString } = require('node:v8');

// The same flags as src/parse/parser.ts sets.
setFlagsFromString('--liftoff-only');
setFlagsFromString('--no-wasm-tier-up');
setFlagsFromString('--no-wasm-dynamic-tiering');
const pgQuery = require('libpg-query');

async function main() {
  const dir = path.resolve(process.argv[2]);
  const loading = pgQuery.loadModule();
  const texts = fs
    .readdirSync(dir)
    .sort()
    .map((name) => path.join(dir, name, 'up.sql'))
    .filter((file) => fs.existsSync(file))
    .map((file) => fs.readFileSync(file, 'utf8'));
  await loading;
  let statements = 0;
  for (const text of texts) if (text.trim() !== '') statements += (pgQuery.parseSync(text).stmts ?? []).length;
  process.stdout.write(JSON.stringify({ files: texts.length, statements }) + '\n');
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack) + '\n');
  process.exit(2);
});
