import { resolve as recordResolution } from '../../deploy';
import { DrydockError } from '../../util/errors';
import type { Command } from '../command';
import { actor, CONNECTION_OPTIONS, CONNECTION_USAGE, databaseUrl, MIGRATION_OPTIONS, namedMigrations, requiredString } from '../values';

export const resolve: Command = {
  usage: `drydock resolve --version V (--applied | --rolled-back) --database-url URL

  --applied            its effect was completed by hand: record it as applied
  --rolled-back        its partial effect was removed (e.g. the INVALID index dropped): the next deploy runs it again
${CONNECTION_USAGE}`,
  options: { ...MIGRATION_OPTIONS, ...CONNECTION_OPTIONS, version: { type: 'string' }, applied: { type: 'boolean' }, 'rolled-back': { type: 'boolean' } },
  async run(values, positionals, io) {
    const url = databaseUrl(values, io, 'resolve');
    const version = requiredString(values, 'version', 'resolve', '42');
    if (values.applied === values['rolled-back']) {
      throw new DrydockError('drydock resolve needs exactly one of --applied and --rolled-back', { fix: 'see drydock resolve --help' });
    }
    const result = await recordResolution({
      databaseUrl: url,
      version,
      as: values.applied ? 'applied' : 'rolled-back',
      migrations: await namedMigrations(values, positionals, io),
      actor: actor(values, io),
    });
    io.stdout(result.summary + '\n');
    return 0;
  },
};
