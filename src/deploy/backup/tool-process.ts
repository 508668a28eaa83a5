/**
 * A running pg_dump / pg_restore: its exit, and the end of its stderr (bounded, redacted) to explain
 * a failure. Spawn errors (missing binary) become exits too, so callers wait on one promise.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { redact } from '../../util/secrets';

export interface ToolExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Last lines of stderr, redacted. */
  stderr: string;
  spawnError?: Error;
}

export interface ToolProcess {
  child: ChildProcess;
  exited: Promise<ToolExit>;
}

const STDERR_LIMIT = 16 * 1024;

export function startTool(file: string, args: string[], env: NodeJS.ProcessEnv, stdout: 'pipe' | 'ignore' = 'pipe'): ToolProcess {
  const child = spawn(file, args, { env, stdio: ['pipe', stdout, 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => {
    stderr = (stderr + text).slice(-STDERR_LIMIT);
  });
  const exited = new Promise<ToolExit>((resolve) => {
    child.once('error', (spawnError) => resolve({ code: null, signal: null, stderr: redact(stderr), spawnError }));
    child.once('close', (code, signal) => resolve({ code, signal, stderr: redact(stderr.trim()) }));
  });
  return { child, exited };
}

export function describeExit(tool: string, exit: ToolExit): string {
  if (exit.spawnError) return `${tool} could not start: ${redact(exit.spawnError.message)}`;
  const how = exit.signal ? `was killed (${exit.signal})` : `exited with code ${exit.code}`;
  return `${tool} ${how}${exit.stderr ? ': ' + lastLines(exit.stderr, 5) : ''}`;
}

function lastLines(text: string, n: number): string {
  return text.split('\n').slice(-n).join('\n');
}
