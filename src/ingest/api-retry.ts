import { z } from 'zod';

/**
 * `retry` of every API source: a retriable failure (throttling, a 5xx, a lost connection) waits baseDelayMs,
 * doubling up to maxDelayMs (or the service's Retry-After when longer), and the source gives up after
 * maxAttempts failures in a row, which stops the run (0: never give up). The defaults ride out about a minute
 * of outage.
 */
export const ApiRetryConfig = z.strictObject({
  baseDelayMs: z.int().min(1).default(500),
  maxDelayMs: z.int().min(1).default(30_000),
  maxAttempts: z.int().min(0).default(8),
});
export type ApiRetryConfig = z.output<typeof ApiRetryConfig>;
