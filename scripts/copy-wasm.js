// ncc does not emit libpg-query's WebAssembly file; its loader looks for it next to the bundle.
const fs = require('fs');
const path = require('path');
const from = path.join(path.dirname(require.resolve('libpg-query/package.json')), 'wasm', 'libpg-query.wasm');
fs.copyFileSync(from, path.join(__dirname, '..', 'dist', 'libpg-query.wasm'));
