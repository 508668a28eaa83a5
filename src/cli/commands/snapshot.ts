import * as fs from 'node:fs';
import * as path from 'node:path';
import { takeSnapshot } from '../../snapshot';
import type { Command } from '../command';
import { databaseUrl, intOption, requiredString } from '../values';

export const snapshot: Command = {
  usage: `drydock snapshot --database-url URL --out stats.json [--schema NAME]... [--sample-seconds N]

  --database-url URL   a read-only role with pg_read_all_stats (or env DRYDOCK_DATABASE_URL)
  --out FILE           where to write the statistics (hand it to \`drydock check --stats\`)
  --schema NAME        only these schemas (repeatable; default all non-system schemas)
  --sample-seconds N   also sample read/write rates per table over N seconds`,
  options: {
    'database-url': { type: 'string' },
    out: { type: 'string' },
    schema: { type: 'string', multiple: true },
    'sample-seconds': { type: 'string' },
  },
  async run(values, _positionals, io) {
    const url = databaseUrl(values, io, 'snapshot');
    const out = requiredString(values, 'out', 'snapshot', 'stats.json');
    const schemas = values.schema as string[] | undefined;
    const result = await takeSnapshot(url, {
      schemas: schemas?.length ? schemas : undefined,
      sampleSeconds: intOption(values, 'sample-seconds') ?? 0,
      log: (line) => io.stderr(line + '\n'),
    });
    fs.writeFileSync(path.resolve(io.cwd, out), JSON.stringify(result, null, 2) + '\n');
    for (const note of result.notes) io.stderr(`snapshot: note: ${note}\n`);
    io.stdout(`wrote ${out}: ${result.tables.length} tables, statistics only (no row data)\n`);
    return 0;
  },
};
