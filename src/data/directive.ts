/**
 * The batch directive: `-- drydock:batch key=id size=5000 pause=50ms max-lag=2s max-lock-wait=500ms`
 * in a comment attached to a DML statement. It asks for the statement to run as a batched backfill
 * (see ./executor.ts) instead of one long transaction.
 */
import type { ParsedStatement } from '../parse/parser';
import { toMs } from '../apply/duration';
import { DrydockError } from '../util/errors';

export interface BatchDirective {
  /** Column the batches walk, in its order (should be indexed, ideally the primary key). */
  key: string;
  /** Keys per batch. */
  size: number;
  /** Sleep between batches. */
  pauseMs: number;
  /** Hold the next batch while a replica's replay lag is above this. */
  maxLagMs: number;
  /** Hold the next batch while a session has waited longer than this for a lock on the table. */
  maxLockWaitMs: number;
  /** 1-based line of the directive comment. */
  line: number;
}

const MARKER = /^--\s*drydock:batch\b(.*)$/;
export const DEFAULT_BATCH = { size: 5000, pauseMs: 0, maxLagMs: 10_000, maxLockWaitMs: 1000 };
const OPTIONS = ['key', 'size', 'pause', 'max-lag', 'max-lock-wait'];
const EXAMPLE = '-- drydock:batch key=id size=5000 pause=50ms';

/** The statement's batch directive, or null. Throws a DrydockError (path:line) on a malformed one. */
export function batchDirectiveOf(statement: ParsedStatement, path: string): BatchDirective | null {
  const comments = statement.comments.filter((c) => MARKER.test(c.text.trim()));
  if (comments.length === 0) return null;
  const comment = comments[0];
  const position = { path, line: comment.line };
  if (comments.length > 1) {
    throw new DrydockError('two drydock:batch directives on one statement', { position, fix: 'keep one directive per statement' });
  }
  const values = new Map<string, string>();
  for (const word of MARKER.exec(comment.text.trim())![1].trim().split(/\s+/).filter(Boolean)) {
    const eq = word.indexOf('=');
    const name = eq === -1 ? word : word.slice(0, eq);
    if (eq === -1 || !OPTIONS.includes(name)) {
      throw new DrydockError(`unknown drydock:batch option "${word}"`, { position, fix: `use ${OPTIONS.map((o) => `${o}=…`).join(' ')}, e.g. ${EXAMPLE}` });
    }
    values.set(name, word.slice(eq + 1));
  }
  const key = values.get('key');
  if (!key || !/^[A-Za-z_][A-Za-z0-9_$]*$/.test(key)) {
    throw new DrydockError('drydock:batch needs key=<column> (an unquoted column name)', { position, fix: `name the column the batches walk, e.g. ${EXAMPLE}` });
  }
  const size = values.has('size') ? Number(values.get('size')) : DEFAULT_BATCH.size;
  if (!Number.isInteger(size) || size < 1) {
    throw new DrydockError(`invalid drydock:batch size "${values.get('size')}"`, { position, fix: 'use a whole number of rows ≥ 1, e.g. size=5000' });
  }
  const duration = (name: string, fallback: number) => {
    try {
      return toMs(values.get(name), fallback, name);
    } catch (error) {
      throw new DrydockError(`invalid drydock:batch ${name} "${values.get(name)}"`, { position, fix: 'use a duration such as 50ms, 2s or 1min' });
    }
  };
  return {
    key: key.toLowerCase(),
    size,
    pauseMs: duration('pause', DEFAULT_BATCH.pauseMs),
    maxLagMs: duration('max-lag', DEFAULT_BATCH.maxLagMs),
    maxLockWaitMs: duration('max-lock-wait', DEFAULT_BATCH.maxLockWaitMs),
    line: comment.line,
  };
}
