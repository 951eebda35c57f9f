import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../core/ports.ts';

/** Waits for `ms` (or until the signal aborts); injected in tests to move a test clock instead. */
export type Wait = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realWait: Wait = (ms, signal) => sleep(ms, undefined, { signal }).catch(() => undefined);

export interface RateLimiter {
  /** Resolves when the next request may be sent. */
  take(signal?: AbortSignal): Promise<void>;
}

/**
 * Client-side request spacing, so that a provider's documented rate (CloudTrail LookupEvents: 2 requests
 * per second per account and Region) is kept before the provider has to throttle.
 */
export function createRateLimiter(options: { minIntervalMs: number; clock: Clock; wait?: Wait }): RateLimiter {
  const wait = options.wait ?? realWait;
  let nextAllowedMs = Number.NEGATIVE_INFINITY;
  return {
    async take(signal) {
      const now = options.clock.now().getTime();
      if (now < nextAllowedMs) await wait(nextAllowedMs - now, signal);
      nextAllowedMs = Math.max(options.clock.now().getTime(), nextAllowedMs) + options.minIntervalMs;
    },
  };
}
