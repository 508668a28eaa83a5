import { status as readStatus } from '../../deploy';
import type { Command } from '../command';
import { CONNECTION_OPTIONS, databaseUrl, MIGRATION_OPTIONS, namedMigrations } from '../values';

export const status: Command = {
  usage: `drydock status [DIR...] --database-url URL [--layout NAME]

  With DIR, pending migrations and applied ones whose file changed are listed too.`,
  options: { ...MIGRATION_OPTIONS, ...CONNECTION_OPTIONS },
  async run(values, positionals, io) {
    const url = databaseUrl(values, io, 'status');
    const migrations = await namedMigrations(values, positionals, io);
    const result = await readStatus({ databaseUrl: url, migrations });
    io.stdout(result.summary + '\n');
    return result.failed.some((row) => row.blocksDeploy) ? 1 : 0;
  },
};
