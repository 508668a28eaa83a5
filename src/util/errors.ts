/**
 * Errors that users cause (bad input, bad configuration, unreachable services) carry an exit code
 * and, where there is one, the file position to point at. Anything else is a bug.
 */

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;
/** A bug in drydock, not in the input. */
export const EXIT_INTERNAL = 3;

export interface SourcePosition {
  path: string;
  line?: number;
  column?: number;
}

export class DrydockError extends Error {
  readonly exitCode: number;
  readonly position: SourcePosition | null;
  /** What the user should do about it. */
  readonly fix: string | null;
  /** Extra lines shown under the message, such as the offending source line. */
  readonly details: string[];

  constructor(
    message: string,
    options: { position?: SourcePosition; fix?: string; details?: string[]; exitCode?: number } = {},
  ) {
    super(message);
    this.name = 'DrydockError';
    this.exitCode = options.exitCode ?? EXIT_USAGE;
    this.position = options.position ?? null;
    this.fix = options.fix ?? null;
    this.details = options.details ?? [];
  }

  /** "path:line:column: message", then details and the fix, one per line. */
  format(): string {
    const where = this.position ? formatPosition(this.position) + ': ' : '';
    const lines = [`${where}${this.message}`, ...this.details];
    if (this.fix) lines.push(`fix: ${this.fix}`);
    return lines.join('\n');
  }
}

export function formatPosition(p: SourcePosition): string {
  let s = p.path;
  if (p.line !== undefined) s += `:${p.line}`;
  if (p.line !== undefined && p.column !== undefined) s += `:${p.column}`;
  return s;
}

export function isDrydockError(e: unknown): e is DrydockError {
  return e instanceof DrydockError;
}
