import { recoveryPlan as printRecoveryPlan, rollback as runRollback } from '../../rollback';
import { DrydockError } from '../../util/errors';
import type { Command } from '../command';
import { BACKUP_OPTIONS, BACKUP_USAGE, backupStep } from '../backup-options';
import { actor, CONNECTION_OPTIONS, CONNECTION_USAGE, databaseUrl, intOption, MIGRATION_OPTIONS, namedMigrations, requiredString, SAFETY_OPTIONS, SAFETY_USAGE, safety, stringOption } from '../values';

export const rollback: Command = {
  usage: `drydock rollback (--to VERSION | --steps N) --database-url URL [options]

  --to VERSION         roll back everything applied after VERSION
  --steps N            roll back the N most recently applied migrations
  --dry-run            show what would run; change nothing
  --force --reason R   also run steps marked irreversible (they lose data); the reason is recorded
${CONNECTION_USAGE}
${SAFETY_USAGE}
${BACKUP_USAGE}`,
  options: {
    ...MIGRATION_OPTIONS,
    ...CONNECTION_OPTIONS,
    ...SAFETY_OPTIONS,
    ...BACKUP_OPTIONS,
    to: { type: 'string' },
    steps: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    force: { type: 'boolean', default: false },
    reason: { type: 'string' },
  },
  async run(values, positionals, io) {
    const url = databaseUrl(values, io, 'rollback');
    const to = stringOption(values, 'to');
    const steps = intOption(values, 'steps');
    if ((to === undefined) === (steps === undefined)) {
      throw new DrydockError('drydock rollback needs exactly one of --to VERSION and --steps N', { fix: 'e.g. --steps 1' });
    }
    const dryRun = values['dry-run'] === true;
    const result = await runRollback({
      databaseUrl: url,
      to,
      steps,
      dryRun,
      force: values.force === true,
      reason: stringOption(values, 'reason'),
      backup: dryRun ? 'none' : backupStep(values, io, 'rollback'),
      migrations: await namedMigrations(values, positionals, io),
      actor: actor(values, io),
      ...safety(values),
      log: (line) => io.stderr(line + '\n'),
    });
    io.stdout(result.summary + '\n');
    return result.exitCode;
  },
};

export const recoveryPlan: Command = {
  usage: `drydock recovery-plan --deploy ID --database-url URL

  --deploy ID          the deploy id shown by \`drydock deploy\` and \`drydock status\``,
  options: { ...CONNECTION_OPTIONS, deploy: { type: 'string' } },
  async run(values, _positionals, io) {
    const url = databaseUrl(values, io, 'recovery-plan');
    const deployId = requiredString(values, 'deploy', 'recovery-plan', 'the deploy id');
    io.stdout((await printRecoveryPlan({ databaseUrl: url, deployId })) + '\n');
    return 0;
  },
};
