/**
 * Untraced execution: history, setup SQL, and the down/up steps of the round trip. The fast path
 * sends a transactional script as one query inside BEGIN/COMMIT (one round trip per file); only
 * when that fails is the script re-run statement by statement to find the failing one exactly.
 * Scripts that manage their own transactions or are non-transactional go one statement at a time
 * (several statements in one simple query form an implicit transaction, where CONCURRENTLY fails).
 */
import type { ClientBase } from 'pg';
import type { ParsedStatement } from '../parse/parser';
import type { ServerError } from '../report/types';
import { isServerError, locateServerError } from './server-error';
import { Script, wrapsInTransaction } from './script';

export interface ReplayOptions {
  /** Skip a failing statement when this returns true (e.g. CREATE ROLE of a role the cluster already has). */
  tolerate?: (statement: ParsedStatement, error: unknown) => boolean;
  /** Inside the caller's transaction: a savepoint stands in for BEGIN/COMMIT (wrapped scripts only). */
  nested?: boolean;
}

interface Bracket {
  open: string;
  close: string;
  undo: string;
}

const TRANSACTION: Bracket = { open: 'BEGIN', close: 'COMMIT', undo: 'ROLLBACK' };
const SAVEPOINT: Bracket = {
  open: 'SAVEPOINT drydock_replay',
  close: 'RELEASE SAVEPOINT drydock_replay',
  undo: 'ROLLBACK TO SAVEPOINT drydock_replay',
};

/** Runs the script; returns the located error of the first failing statement, or null. */
export async function replayScript(client: ClientBase, script: Script, options: ReplayOptions = {}): Promise<ServerError | null> {
  if (script.statements.length === 0) return null;
  if (wrapsInTransaction(script)) {
    const bracket = options.nested ? SAVEPOINT : TRANSACTION;
    const body = script.statements.map((s) => s.sql).join(';\n');
    try {
      await client.query(`${bracket.open};\n${body};\n${bracket.close}`);
      return null;
    } catch (error) {
      if (!isServerError(error)) throw error;
      await client.query(bracket.undo);
      return locateWrappedFailure(client, script, error, bracket);
    }
  }
  return replayAsWritten(client, script, options);
}

/** The whole transaction rolled back: re-run statement by statement to find which one fails. */
async function locateWrappedFailure(client: ClientBase, script: Script, original: unknown, bracket: Bracket): Promise<ServerError> {
  await client.query(bracket.open);
  try {
    for (const statement of script.statements) {
      try {
        await client.query(statement.sql);
      } catch (error) {
        if (!isServerError(error)) throw error;
        return locateServerError(error, script, statement, 0);
      }
    }
  } finally {
    await client.query(bracket.undo);
  }
  // Passed one by one but not as one query: report the first statement with the original message.
  return locateServerError({ ...(original as object), position: undefined }, script, script.statements[0], 0);
}

async function replayAsWritten(client: ClientBase, script: Script, options: ReplayOptions): Promise<ServerError | null> {
  for (const statement of script.statements) {
    try {
      await client.query(statement.sql);
    } catch (error) {
      if (!isServerError(error)) throw error;
      if (options.tolerate?.(statement, error)) continue;
      // Leave no aborted transaction behind (a harmless warning when none is open).
      await client.query('ROLLBACK');
      return locateServerError(error, script, statement, 0);
    }
  }
  return null;
}
