#!/usr/bin/env node
'use strict';
// The CLI is compiled to lib/ by `npm ci` (the prepare script); see src/cli.ts.
require('../lib/cli.js').run(process.argv.slice(2)).then((code) => { process.exitCode = code; });
