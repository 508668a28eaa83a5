import { baseline as recordBaseline, importHistory as recordImport } from '../../deploy';
import type { ForeignTool } from '../../deploy/types';
import { DrydockError } from '../../util/errors';
import type { Command } from '../command';
import { actor, CONNECTION_OPTIONS, CONNECTION_USAGE, databaseUrl, MIGRATION_OPTIONS, migrationsFrom, requiredString, stringOption } from '../values';

export const baseline: Command = {
  usage: `drydock baseline --to VERSION [DIR...] --database-url URL

  For a database whose schema already matches those migrations.
${CONNECTION_USAGE}`,
  options: { ...MIGRATION_OPTIONS, ...CONNECTION_OPTIONS, to: { type: 'string' } },
  async run(values, positionals, io) {
    const url = databaseUrl(values, io, 'baseline');
    const to = requiredString(values, 'to', 'baseline', '20240101120000');
    const result = await recordBaseline({ databaseUrl: url, to, migrations: await migrationsFrom(values, positionals, io), actor: actor(values, io) });
    io.stdout(result.summary + '\n');
    return 0;
  },
};

const TOOLS: (ForeignTool | 'auto')[] = ['auto', 'prisma', 'flyway', 'golang-migrate', 'dbmate', 'diesel'];

export const importHistory: Command = {
  usage: `drydock import-history --from TOOL [DIR...] --database-url URL [--table NAME]

  --from TOOL          ${TOOLS.join(', ')}
  --table NAME         the runner's history table, when not the default name
${CONNECTION_USAGE}`,
  options: { ...MIGRATION_OPTIONS, ...CONNECTION_OPTIONS, from: { type: 'string', default: 'auto' }, table: { type: 'string' } },
  async run(values, positionals, io) {
    const url = databaseUrl(values, io, 'import-history');
    const from = stringOption(values, 'from') as ForeignTool | 'auto';
    if (!TOOLS.includes(from)) throw new DrydockError(`--from must be one of ${TOOLS.join(', ')}, not "${from}"`, { fix: '--from golang-migrate' });
    const result = await recordImport({
      databaseUrl: url,
      from,
      table: stringOption(values, 'table'),
      migrations: await migrationsFrom(values, positionals, io),
      actor: actor(values, io),
    });
    io.stdout(result.summary + '\n');
    return 0;
  },
};
