import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCheck } from '../../engine/check';
import { renderText } from '../../report/text';
import { LAYOUT_NAMES } from '../../report/types';
import { DrydockError } from '../../util/errors';
import { redact, registerSecret } from '../../util/secrets';
import type { Command } from '../command';
import { failOnOption, intOption, layoutOption, stringOption } from '../values';

export const check: Command = {
  usage: `drydock check [DIR...] [options]

  DIR...               migration folders (default: detect from the repository root)
  --layout NAME        force a layout: ${LAYOUT_NAMES.join(', ')}
  --base REF           git ref; migrations added since REF are new, earlier ones are replayed history
  --since VERSION      VERSION is deployed: later migrations are new, it and earlier ones are history
                       (a migration's id, directory, or the timestamp of a <timestamp>_<name> one)
  --format text|json   output format (default text)
  --out FILE           also write the JSON report to FILE
  --static             no database: predict locks from the catalog only
  --shadow-url URL     run the dry run on this server (a throwaway database is created and dropped)
  --pg-version N       use PostgreSQL N binaries for the dry run (when several are installed)
  --stats FILE         production statistics from \`drydock snapshot\`, for estimates
  --setup-sql FILE     SQL run before the history (platform roles, extensions, schemas)
  --config FILE        config file (default drydock.config.json or package.json "drydock")
  --fail-on LEVEL      info|warning|error|never: exit 1 at or above this severity
  --no-cache           do not reuse or save the replayed base schema
  --verbose            also list history migrations in text output`,
  options: {
    layout: { type: 'string' },
    base: { type: 'string' },
    since: { type: 'string' },
    format: { type: 'string', default: 'text' },
    static: { type: 'boolean', default: false },
    'shadow-url': { type: 'string' },
    'pg-version': { type: 'string' },
    stats: { type: 'string' },
    'setup-sql': { type: 'string' },
    config: { type: 'string' },
    'fail-on': { type: 'string' },
    'no-cache': { type: 'boolean', default: false },
    out: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
  async run(values, positionals, io) {
    const format = stringOption(values, 'format');
    if (format !== 'text' && format !== 'json') {
      throw new DrydockError(`--format must be text or json, not "${format}"`, { fix: 'e.g. --format json' });
    }
    const shadowUrl = stringOption(values, 'shadow-url');
    registerSecret(shadowUrl);
    const result = await runCheck({
      cwd: io.cwd,
      dirs: positionals,
      layout: layoutOption(values),
      base: stringOption(values, 'base'),
      since: stringOption(values, 'since'),
      mode: values.static ? 'static' : 'dry-run',
      shadowUrl,
      pgVersion: intOption(values, 'pg-version'),
      statsFile: stringOption(values, 'stats'),
      setupSqlPath: stringOption(values, 'setup-sql'),
      configPath: stringOption(values, 'config'),
      failOn: failOnOption(values),
      cacheDir: values['no-cache'] ? null : undefined,
      log: (line) => io.stderr(line + '\n'),
    });
    const json = JSON.stringify(result.report, null, 2) + '\n';
    const out = stringOption(values, 'out');
    if (out) fs.writeFileSync(path.resolve(io.cwd, out), redact(json));
    io.stdout(redact(format === 'json' ? json : renderText(result.report, { failOn: result.failOn, verbose: values.verbose === true })));
    return result.exitCode;
  },
};
