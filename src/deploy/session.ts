/**
 * The deploy session: one direct connection that holds the deploy lock for the whole operation and
 * runs everything that changes the target. Shared by deploy, baseline, import and resolve.
 */
import { randomBytes } from 'node:crypto';
import type { Client } from 'pg';
import { toMs } from '../apply/duration';
import { DrydockError } from '../util/errors';
import { connect } from '../util/pg';
import { describeUrl, redact, registerSecret } from '../util/secrets';
import { ensureHistorySchema } from './history';
import { acquireDeployLock, describeHolder, LockAttempt, recordLockHolder, releaseDeployLock } from './lock';
import type { ConnectionOptions, LockingOptions } from './types';

export const DEFAULT_LOCK_WAIT_MS = 5 * 60_000;

/** The log callback with every line redacted (URLs, passwords, tokens). */
export function safeLog(options: ConnectionOptions): (line: string) => void {
  const log = options.log ?? (() => undefined);
  return (line) => log(redact(line));
}

export function actorOf(options: LockingOptions): string {
  return options.actor || process.env.GITHUB_ACTOR || process.env.USER || 'unknown';
}

export function newDeployId(): string {
  return `${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${randomBytes(3).toString('hex')}`;
}

/** Connect with the URL registered as a secret; connection failures become user errors without the URL. */
export async function openConnection(options: ConnectionOptions, applicationName = 'drydock-deploy'): Promise<Client> {
  registerSecret(options.databaseUrl);
  try {
    return await connect(options.databaseUrl, { application_name: applicationName });
  } catch (error) {
    throw new DrydockError(`cannot connect to ${describeUrl(options.databaseUrl)}: ${redact((error as Error).message)}`, {
      fix: 'check --database-url (host, port, user, password) and that the server accepts connections from here',
    });
  }
}

export interface LockedSession {
  client: Client;
  attempt: LockAttempt & { acquired: true };
  actor: string;
  deployId: string;
}

/**
 * Run `fn` holding the deploy lock, with the history schema in place. Throws a DrydockError naming
 * the holder when the lock is not free within the wait limit.
 */
export async function withDeployLock<T>(options: LockingOptions, fn: (session: LockedSession) => Promise<T>): Promise<T> {
  const client = await openConnection(options);
  const log = safeLog(options);
  const actor = actorOf(options);
  const deployId = newDeployId();
  try {
    const attempt = await acquireDeployLock(client, {
      actor,
      deployId,
      waitLimitMs: toMs(options.lockWaitLimit, DEFAULT_LOCK_WAIT_MS, 'lockWaitLimit'),
      log,
    });
    if (!attempt.acquired) throw lockTimeoutError(attempt);
    try {
      await ensureHistorySchema(client);
      await recordLockHolder(client, actor, deployId);
      return await fn({ client, attempt, actor, deployId });
    } finally {
      await releaseDeployLock(client).catch(() => undefined);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function lockTimeoutError(attempt: LockAttempt & { acquired: false }): DrydockError {
  return new DrydockError(`another deploy holds the deploy lock: ${describeHolder(attempt.holder)}`, {
    fix: 'wait for it to finish (drydock status shows the holder), or raise --lock-wait-limit',
  });
}
