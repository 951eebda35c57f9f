import { z } from 'zod';
import type { KeytrailError } from '../core/errors.ts';

/**
 * `retry` of every polling source (the API sources and the Vault file follower): a retriable failure
 * (throttling, a 5xx, a lost connection, a file briefly unreadable) waits baseDelayMs, doubling up to
 * maxDelayMs (or the service's Retry-After when longer), and the source gives up after maxAttempts failures
 * in a row, which stops the run (0: never give up). The defaults ride out about a minute of outage.
 */
export const RetryPolicy = z.strictObject({
  baseDelayMs: z.int().min(1).default(500),
  maxDelayMs: z.int().min(1).default(30_000),
  maxAttempts: z.int().min(0).default(8),
});
export type RetryPolicy = z.output<typeof RetryPolicy>;

export const DEFAULT_RETRY_POLICY: RetryPolicy = RetryPolicy.parse({});

/** One retriable failure a source is about to wait out: what failed, how many in a row, for how long. */
export interface SourceRetry {
  source: string;
  error: KeytrailError;
  failures: number;
  delayMs: number;
}

/**
 * The wait before the next attempt after `failures` failures in a row, or undefined when the source should
 * give up (the error is not retriable, or the policy's attempts are spent).
 */
export function retryDelayMs(policy: RetryPolicy, error: KeytrailError, failures: number): number | undefined {
  if (!error.retriable || (policy.maxAttempts > 0 && failures >= policy.maxAttempts)) return undefined;
  const backoffMs = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(failures - 1, 30));
  // A service's own Retry-After (details.retryAfterMs) wins when it asks for longer than the backoff.
  const retryAfterMs = typeof error.details.retryAfterMs === 'number' ? error.details.retryAfterMs : 0;
  return Math.max(backoffMs, retryAfterMs);
}
