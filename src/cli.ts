/**
 * The drydock command line: a thin shell that turns arguments into engine calls, prints the result
 * and maps it to an exit code (0 clean, 1 findings at or above the fail level, 2 usage or input error).
 */
import { parseArgs } from 'node:util';
import type { Command, Io, Values } from './cli/command';
import { baseline, importHistory } from './cli/commands/adopt';
import { check } from './cli/commands/check';
import { deploy } from './cli/commands/deploy';
import { resolve } from './cli/commands/resolve';
import { restore } from './cli/commands/restore';
import { recoveryPlan, rollback } from './cli/commands/rollback';
import { snapshot } from './cli/commands/snapshot';
import { status } from './cli/commands/status';
import { DrydockError, EXIT_INTERNAL, EXIT_USAGE, isDrydockError } from './util/errors';
import { redact } from './util/secrets';
import { TOOL_VERSION } from './version';

const COMMANDS: Record<string, Command> = {
  check,
  snapshot,
  deploy,
  status,
  rollback,
  'recovery-plan': recoveryPlan,
  restore,
  baseline,
  'import-history': importHistory,
  resolve,
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
    const command = COMMANDS[name];
    if (!command) throw new DrydockError(`unknown command "${name}"`, { fix: `use one of: ${Object.keys(COMMANDS).join(', ')}` });
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
