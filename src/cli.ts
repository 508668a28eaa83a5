/**
 * The drydock command line: a thin shell that turns arguments into engine calls, prints the result
 * and maps it to an exit code (0 clean, 1 findings at or above the fail level, 2 usage or input error).
 */
import { parseArgs } from 'node:util';
import type { Command, Io, Values } from './cli/command';
import { DrydockError, EXIT_INTERNAL, EXIT_USAGE, isDrydockError } from './util/errors';
import { redact } from './util/secrets';
import { TOOL_VERSION } from './version';

/**
 * Each command's module is loaded only when it runs: `check --static` should not pay for the AWS
 * SDK or Octokit. The summaries for the help text stay here.
 */
const COMMANDS: Record<string, { summary: string; load: () => Command }> = {
  check: { summary: 'analyse and dry-run migrations; report locks, rewrites, timings and findings', load: () => require('./cli/commands/check').check },
  snapshot: { summary: 'read production catalog statistics (never rows) into a file for PR estimates', load: () => require('./cli/commands/snapshot').snapshot },
  deploy: { summary: 'apply pending migrations: pre-flight, deploy lock, backup to S3, safe apply, verify', load: () => require('./cli/commands/deploy').deploy },
  status: { summary: 'show applied, pending and failed migrations, and who holds the deploy lock', load: () => require('./cli/commands/status').status },
  rollback: { summary: 'undo deployed migrations with the rollback scripts stored at deploy time', load: () => require('./cli/commands/rollback').rollback },
  'recovery-plan': { summary: 'print the point-in-time recovery target recorded before a deploy, with the steps', load: () => require('./cli/commands/rollback').recoveryPlan },
  restore: { summary: 'restore a backup from S3 (sha256-checked) into a new database, or over one with --overwrite', load: () => require('./cli/commands/restore').restore },
  baseline: { summary: 'record every migration up to VERSION as applied, without running it', load: () => require('./cli/commands/adopt').baseline },
  'import-history': { summary: "adopt another runner's history (Prisma, Flyway, golang-migrate, dbmate, diesel)", load: () => require('./cli/commands/adopt').importHistory },
  resolve: { summary: 'unblock deploys after a failed non-transactional migration was cleaned up by hand', load: () => require('./cli/commands/resolve').resolve },
};

function mainHelp(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(15)} ${c.summary}`);
  return `drydock ${TOOL_VERSION}: make PostgreSQL schema migrations safe to ship\n\nUsage: drydock <command> [options]\n\n${lines.join('\n')}\n\nRun \`drydock <command> --help\` for a command's options.\n`;
}

const defaultIo: Io = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(redact(t)),
  cwd: process.cwd(),
  env: process.env,
};

export async function run(argv: string[], io: Io = defaultIo): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (!name || name === '--help' || name === '-h' || name === 'help') {
      io.stdout(mainHelp());
      return name ? 0 : EXIT_USAGE;
    }
    if (name === '--version' || name === '-v') {
      io.stdout(`${TOOL_VERSION}\n`);
      return 0;
    }
    const entry = COMMANDS[name];
    if (!entry) throw new DrydockError(`unknown command "${name}"`, { fix: `use one of: ${Object.keys(COMMANDS).join(', ')}` });
    const command = entry.load();
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout(command.usage + '\n');
      return 0;
    }
    let parsed: { values: Values; positionals: string[] };
    try {
      parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true }) as typeof parsed;
    } catch (error) {
      throw new DrydockError((error as Error).message, { fix: `see \`drydock ${name} --help\`` });
    }
    return await command.run(parsed.values, parsed.positionals, io);
  } catch (error) {
    if (isDrydockError(error)) {
      io.stderr(`drydock: ${redact(error.format())}\n`);
      return error.exitCode;
    }
    const detail = error instanceof Error ? (process.env.DRYDOCK_DEBUG ? (error.stack ?? error.message) : error.message) : String(error);
    io.stderr(`drydock: internal error: ${redact(detail)}\n`);
    io.stderr('This is a bug in drydock: please report it with the command you ran (DRYDOCK_DEBUG=1 shows the stack).\n');
    return EXIT_INTERNAL;
  }
}
