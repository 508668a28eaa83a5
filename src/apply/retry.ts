/**
 * The retry loop around one attempt (a whole transaction, or one autocommit statement): retried
 * with jittered exponential backoff when the lock was not granted within lock_timeout (55P03), when
 * the watchdog cancelled it, or on a deadlock. Timeouts are set again by every attempt.
 */
import type { ApplyContext } from './context';
import { backoffDelay, sleep } from './duration';
import { retryReason } from './errors';
import { formatMs } from '../util/format';

export type Attempted<T> = { ok: true; value: T; retries: number } | { ok: false; error: unknown; retries: number };

export async function withRetries<T>(
  ctx: ApplyContext,
  label: string,
  attempt: () => Promise<T>,
  options: { retries?: number; beforeRetry?: () => Promise<void> } = {},
): Promise<Attempted<T>> {
  const maxRetries = options.retries ?? ctx.settings.retries;
  for (let n = 0; ; n++) {
    const cancelsBefore = ctx.watchdog?.cancels ?? 0;
    ctx.watchdog?.watch(ctx.pid);
    try {
      return { ok: true, value: await attempt(), retries: n };
    } catch (error) {
      ctx.watchdog?.watch(null);
      const reason = retryReason(error, (ctx.watchdog?.cancels ?? 0) > cancelsBefore);
      if (reason === null || n >= maxRetries) return { ok: false, error, retries: n };
      const delay = backoffDelay(n, ctx.settings.retryDelayMs, ctx.settings.retryMaxDelayMs);
      ctx.log(`${label}: ${reason}, retry ${n + 1}/${maxRetries} in ${formatMs(delay)}`);
      await options.beforeRetry?.();
      await sleep(delay);
    } finally {
      ctx.watchdog?.watch(null);
    }
  }
}

export function timeoutSql(ms: number): string {
  return `'${Math.max(0, Math.round(ms))}ms'`;
}
