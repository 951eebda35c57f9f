import { z } from 'zod';
import type { Provider } from '../core/schemas/common.ts';
import { schemaError } from '../core/schema-error.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/**
 * One provider's windows. `allowedLatenessMs` is how late the provider delivers its audit records: the
 * provider's watermark is the newest event time seen minus this. `joinWindowMs` bounds how far apart the
 * application's clock and the provider's may put the two halves of one call (skew plus call latency).
 */
function providerWindow(defaultLatenessMs: number, heuristicByDefault: boolean) {
  return z.strictObject({
    allowedLatenessMs: z.int().nonnegative().default(defaultLatenessMs),
    joinWindowMs: z.int().nonnegative().default(MINUTE_MS),
    heuristic: z
      .strictObject({
        enabled: z.boolean().default(heuristicByDefault),
        toleranceMs: z.int().positive().default(5_000).describe('Largest |KMS time - app time| a heuristic pair may have'),
      })
      .prefault({})
      .describe('Same principal, key and operation within the tolerance, only when exactly one candidate exists on both sides'),
  });
}

/**
 * The correlator's configuration. Default lateness follows the providers' documented delivery delays:
 * CloudTrail "within an average of about 5 minutes", formerly documented as 15; Azure Monitor resource logs
 * "usually within 3 to 10 minutes"; Cloud Audit Logs document no bound (15 minutes, as for CloudTrail);
 * Vault audit devices write synchronously, so seconds.
 */
export const CorrelateConfig = z.strictObject({
  providers: z
    .strictObject({
      aws: providerWindow(15 * MINUTE_MS, false).prefault({}),
      azure: providerWindow(10 * MINUTE_MS, false).prefault({}),
      gcp: providerWindow(15 * MINUTE_MS, false).prefault({}),
      vault: providerWindow(30_000, false).prefault({}),
    })
    .prefault({}),
  appAllowedLatenessMs: z.int().nonnegative().default(2 * MINUTE_MS).describe('How late application events may arrive'),
  idleTimeoutMs: z.int().positive().default(MINUTE_MS).describe('A stream silent for this long (wall clock) advances its watermark at wall-clock pace'),
  tickIntervalMs: z.int().positive().default(5_000).describe('How often streaming mode checks for idle streams'),
  maxOpenEvents: z.int().positive().default(1_000_000).describe('Open windows beyond this close early, oldest first, with reason capacity'),
  cachedMaxAgeMs: z.int().nonnegative().default(HOUR_MS).describe('Longest time a cached data key may be used after the KMS call that produced it'),
  correctionWindowMs: z.int().nonnegative().default(6 * HOUR_MS).describe('How long after a window closed a late partner still produces a correction'),
  instanceLeaseMs: z.int().positive().default(5 * MINUTE_MS).describe('An instance silent this long (wall clock) has its unpublished output taken over by another sharing the state'),
  dedupRetentionMs: z.int().nonnegative().default(24 * HOUR_MS).describe('How long (event time) an event id is remembered to drop duplicates'),
});
export type CorrelateConfigInput = z.input<typeof CorrelateConfig>;
export type CorrelateConfig = z.output<typeof CorrelateConfig>;
export type ProviderWindow = CorrelateConfig['providers'][Provider];

export function parseCorrelateConfig(input: unknown = {}): CorrelateConfig {
  const parsed = CorrelateConfig.safeParse(input);
  if (!parsed.success) throw schemaError('CORRELATE_CONFIG_INVALID', 'invalid correlator configuration', parsed.error);
  return parsed.data;
}
