import type { Provider } from '../../src/core/schemas/common.ts';
import type { KmsCall } from './calls.ts';
import type { App, Cast } from './cast.ts';
import type { Random } from './random.ts';
import type { ScenarioTruth } from './truth.ts';

/** The lateness the correlator is configured with; the generator delivers within it, or on purpose beyond. */
export interface ScenarioWindows {
  latenessMs: Record<Provider, number>;
  appLatenessMs: number;
  joinWindowMs: number;
}

/** A delivery not yet rendered: the queue holds these small objects, rendering happens on the way out. */
export type Pending = { kind: 'kms'; call: KmsCall } | { kind: 'app'; value: Record<string, unknown> };

/** The data key an application holds in its cache, and the KMS call that produced it. */
export interface CachedDataKey {
  originInputId: string;
  originRequestId: string;
  originCorrelationId?: string;
  keyId: string;
  createdMs: number;
  onTime: boolean;
}

/** What the scenario's actions share: the clock, the cast, the queue and the truth being written. */
export interface World {
  readonly random: Random;
  readonly cast: Cast;
  readonly windows: ScenarioWindows;
  readonly truth: ScenarioTruth | undefined;
  readonly caches: Map<string, CachedDataKey>;
  readonly beyondShare: number;
  readonly duplicateShare: { kms: number; app: number };
  /** The true time of the action being generated. */
  nowMs: number;
  /** Queues a delivery `delayMs` after now; returns nothing, the caller records truth. */
  schedule(item: Pending, delayMs: number): void;
  pickApp(provider?: Provider): App;
}

const MIN_KMS_DELAY_MS: Record<Provider, number> = { aws: 30_000, azure: 60_000, gcp: 5_000, vault: 0 };
const MINUTE_MS = 60_000;

/** When a KMS record reaches keytrail: within the provider's lateness, or after the window closed. */
export function kmsDelay(world: World, provider: Provider, beyond: boolean): number {
  const lateness = world.windows.latenessMs[provider];
  if (beyond) return lateness + world.windows.joinWindowMs + world.random.int(2 * MINUTE_MS, 15 * MINUTE_MS);
  return world.random.int(Math.min(MIN_KMS_DELAY_MS[provider], Math.floor(lateness * 0.5)), Math.floor(lateness * 0.9));
}

export function appDelay(world: World, beyond: boolean): number {
  if (beyond) return world.windows.appLatenessMs + world.windows.joinWindowMs + world.random.int(2 * MINUTE_MS, 15 * MINUTE_MS);
  return world.random.int(0, Math.floor(world.windows.appLatenessMs * 0.5));
}

/** Schedules a delivery and, now and then, the same record again on a second path (later). */
export function deliver(world: World, item: Pending, delayMs: number): void {
  world.schedule(item, delayMs);
  if (world.random.chance(item.kind === 'kms' ? world.duplicateShare.kms : world.duplicateShare.app)) {
    world.schedule(item, delayMs + world.random.int(1_000, 10 * MINUTE_MS));
    if (world.truth !== undefined) world.truth.duplicateDeliveries += 1;
  }
}
