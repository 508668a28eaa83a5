import { deploy as runDeploy } from '../../deploy';
import type { Command } from '../command';
import { BACKUP_OPTIONS, BACKUP_USAGE, backupStep } from '../backup-options';
import { actor, CONNECTION_OPTIONS, CONNECTION_USAGE, databaseUrl, MIGRATION_OPTIONS, migrationsFrom, SAFETY_OPTIONS, SAFETY_USAGE, safety } from '../values';

export const deploy: Command = {
  usage: `drydock deploy [DIR...] --database-url URL [options]

  DIR...               migration folders (default: detect from the repository root)
  --layout NAME        force a layout
${CONNECTION_USAGE}
${SAFETY_USAGE}
${BACKUP_USAGE}`,
  options: { ...MIGRATION_OPTIONS, ...CONNECTION_OPTIONS, ...SAFETY_OPTIONS, ...BACKUP_OPTIONS },
  async run(values, positionals, io) {
    const url = databaseUrl(values, io, 'deploy');
    const backup = backupStep(values, io, 'deploy');
    const migrations = await migrationsFrom(values, positionals, io);
    const result = await runDeploy({
      databaseUrl: url,
      migrations,
      actor: actor(values, io),
      backup,
      ...safety(values),
      log: (line) => io.stderr(line + '\n'),
    });
    io.stdout(result.summary + '\n');
    return result.exitCode;
  },
};
