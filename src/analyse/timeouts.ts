/**
 * The lock_timeout and statement_timeout in force before each statement: set by the runner
 * (config runnerTimeouts), by `SET` / `SET LOCAL` / `RESET` in the file, or by set_config().
 * `SET LOCAL` lasts until the end of its transaction.
 */
import { Node, constValue, list, names, unwrap, walk } from './ast';

export interface Timeouts {
  lockTimeout: string | null;
  statementTimeout: string | null;
}

type Setting = 'lock_timeout' | 'statement_timeout';
const KEYS: Record<Setting, keyof Timeouts> = { lock_timeout: 'lockTimeout', statement_timeout: 'statementTimeout' };

export class TimeoutTracker {
  private session: Timeouts;
  private local: Partial<Timeouts> = {};
  /** current()'s answer until a setting changes: statement views share it instead of copying it. */
  private snapshot: Timeouts | null = null;

  constructor(private readonly runner: Timeouts) {
    this.session = { ...runner };
  }

  current(): Timeouts {
    this.snapshot ??= Object.freeze({ ...this.session, ...this.local });
    return this.snapshot;
  }

  endTransaction(): void {
    this.local = {};
    this.snapshot = null;
  }

  /** Update from one statement. */
  observe(ast: Node): void {
    const set = unwrap(ast, 'VariableSetStmt');
    if (set) return this.fromSet(set);
    // SELECT set_config('lock_timeout', '5s', is_local)
    if (!ast.SelectStmt) return;
    walk(ast, (kind, n) => {
      if (kind !== 'FuncCall' || names(n.funcname).pop() !== 'set_config') return;
      const [name, value, isLocal] = list(n.args).map(constValue);
      if (name === 'lock_timeout' || name === 'statement_timeout') this.assign(name, normalise(value), isLocal === true);
    });
  }

  private fromSet(set: Node): void {
    const name = set.name as string | undefined;
    if (set.kind === 'VAR_RESET_ALL') {
      this.session = { ...this.runner };
      this.local = {};
      this.snapshot = null;
      return;
    }
    if (name !== 'lock_timeout' && name !== 'statement_timeout') return;
    if (set.kind === 'VAR_RESET' || set.kind === 'VAR_SET_DEFAULT') {
      this.assign(name, this.runner[KEYS[name]], set.is_local === true);
      return;
    }
    this.assign(name, normalise(constValue(list(set.args)[0])), set.is_local === true);
  }

  private assign(name: Setting, value: string | null, local: boolean): void {
    this.snapshot = null;
    if (local) this.local[KEYS[name]] = value;
    else {
      this.session[KEYS[name]] = value;
      delete this.local[KEYS[name]];
    }
  }
}

/** "0" (or 0) disables a timeout. */
function normalise(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const text = String(value).trim();
  return text === '' || /^0+(ms|s|min)?$/.test(text) ? null : text;
}
