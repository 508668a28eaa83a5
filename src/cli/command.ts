/** The shape of a CLI command: its options (node:util parseArgs), help text and what it runs. */
import type { ParseArgsConfig } from 'node:util';

export type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | string[] | undefined>;

export interface Io {
  stdout: (text: string) => void;
  /** Progress and errors; redacted by the caller's writer. */
  stderr: (text: string) => void;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface Command {
  usage: string;
  options: Options;
  /** Returns the exit code. */
  run(values: Values, positionals: string[], io: Io): Promise<number>;
}
