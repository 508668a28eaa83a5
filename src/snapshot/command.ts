/** `drydock snapshot --database-url URL --out stats.json [--schema s]… [--sample-seconds n]`. */
import * as fs from 'node:fs';
import { DrydockError } from '../util/errors';
import { takeSnapshot } from './index';

export interface SnapshotCommandOptions {
  databaseUrl: string;
  out: string;
  schemas: string[];
  sampleSeconds: number;
}

export function parseSnapshotArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): SnapshotCommandOptions {
  const options: SnapshotCommandOptions = { databaseUrl: env.DRYDOCK_SNAPSHOT_DATABASE_URL ?? '', out: '', schemas: [], sampleSeconds: 0 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new DrydockError(`${flag} needs a value`, { fix: 'drydock snapshot --database-url URL --out stats.json' });
      return v;
    };
    if (flag === '--database-url') options.databaseUrl = value();
    else if (flag === '--out') options.out = value();
    else if (flag === '--schema') options.schemas.push(value());
    else if (flag === '--sample-seconds') {
      options.sampleSeconds = Number(value());
      if (!Number.isFinite(options.sampleSeconds) || options.sampleSeconds < 0) {
        throw new DrydockError('--sample-seconds must be a number of seconds ≥ 0', { fix: '--sample-seconds 60' });
      }
    } else throw new DrydockError(`unknown option ${flag} for drydock snapshot`, { fix: 'drydock snapshot --database-url URL --out stats.json [--schema NAME] [--sample-seconds N]' });
  }
  if (!options.databaseUrl) {
    throw new DrydockError('drydock snapshot needs --database-url (or DRYDOCK_SNAPSHOT_DATABASE_URL)', {
      fix: 'use a read-only role with pg_read_all_stats: --database-url postgres://drydock_stats@host/db',
    });
  }
  if (!options.out) throw new DrydockError('drydock snapshot needs --out', { fix: '--out stats.json' });
  return options;
}

export async function runSnapshotCommand(argv: string[], log: (line: string) => void): Promise<void> {
  const options = parseSnapshotArgs(argv);
  const snapshot = await takeSnapshot(options.databaseUrl, {
    schemas: options.schemas.length ? options.schemas : undefined,
    sampleSeconds: options.sampleSeconds,
    log,
  });
  fs.writeFileSync(options.out, JSON.stringify(snapshot, null, 2) + '\n');
  for (const note of snapshot.notes) log(`snapshot: note: ${note}`);
  log(`snapshot: wrote ${options.out} (${snapshot.tables.length} tables, no row data)`);
}
