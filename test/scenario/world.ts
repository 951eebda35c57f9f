import type { Provider } from '../../src/core/schemas/common.ts';
import type { KmsCall } from './calls.ts';
import type { App, Cast } from './cast.ts';
import type { Random } from './random.ts';
import { duplicateRoute, primaryRoute, type Route, type Source } from './routes.ts';
import type { ScenarioTruth } from './truth.ts';
import { vaultDurationMicros } from './vault-entry.ts';

/** The lateness the correlator is configured with; the generator delivers within it, or on purpose beyond. */
export interface ScenarioWindows {
  latenessMs: Record<Provider, number>;
  appLatenessMs: number;
  joinWindowMs: number;
}

/** Which raw record of a KMS call: its one record, Vault's request or response entry, Azure's Authentication challenge before it. */
export type KmsPart = 'record' | 'request' | 'response' | 'challenge';

/** A raw record not yet rendered: the queue holds these small objects, rendering happens on the way out. */
export type Pending = { kind: 'kms'; call: KmsCall; route: Route; part: KmsPart } | { kind: 'app'; value: Record<string, unknown>; route: Route };

/** What an action hands to `deliver`: a call or an app event, not yet routed. */
export type Deliverable = { kind: 'kms'; call: KmsCall } | { kind: 'app'; value: Record<string, unknown> };

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
  /** Event deliveries scheduled so far (a Vault request and response entry are one). */
  deliveries: number;
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

/**
 * Schedules a delivery on its first route and, now and then, the same record again later on a second
 * route: through the same ingest process (its ingest state drops it) or the other one (the correlator
 * does), in any of the provider's forms. `duplicable: false` for records no second path would repeat.
 */
export function deliver(world: World, item: Deliverable, delayMs: number, options: { duplicable?: boolean } = {}): void {
  const source: Source = item.kind === 'kms' ? item.call.provider : 'app';
  const first = primaryRoute(source, item.kind === 'kms' ? item.call.keyId : undefined);
  scheduleCopy(world, item, first, delayMs);
  if (options.duplicable === false || !world.random.chance(item.kind === 'kms' ? world.duplicateShare.kms : world.duplicateShare.app)) return;
  const second = duplicateRoute(world.random, source);
  scheduleCopy(world, item, second, delayMs + world.random.int(1_000, 10 * MINUTE_MS));
  if (world.truth === undefined) return;
  if (second.ingest === first.ingest) world.truth.ingestDuplicates += 1;
  else world.truth.crossDuplicates += 1;
  const path = `${source} ${first.input}>${second.input} ${second.ingest === first.ingest ? 'same' : 'other'} ingest`;
  world.truth.duplicatePaths.set(path, (world.truth.duplicatePaths.get(path) ?? 0) + 1);
}

/** Azure only: the SDK's unauthenticated first request, logged just before the call it precedes. */
export function deliverChallenge(world: World, call: KmsCall, delayMs: number): void {
  world.schedule({ kind: 'kms', call, route: primaryRoute('azure', call.keyId), part: 'challenge' }, delayMs);
  if (world.truth !== undefined) {
    world.truth.records += 1;
    world.truth.filtered += 1;
  }
}

/** One copy of an event: one record, or Vault's request entry and (unless it is missing) its response entry. */
function scheduleCopy(world: World, item: Deliverable, route: Route, delayMs: number): void {
  const truth = world.truth;
  world.deliveries += 1;
  if (truth !== undefined) truth.deliveries += 1;
  if (item.kind === 'app') {
    world.schedule({ ...item, route }, delayMs);
    if (truth !== undefined) truth.records += 1;
    return;
  }
  if (item.call.provider !== 'vault') {
    world.schedule({ ...item, route, part: 'record' }, delayMs);
    if (truth !== undefined) truth.records += 1;
    return;
  }
  world.schedule({ ...item, route, part: 'request' }, delayMs);
  if (item.call.responseMissing === true) {
    if (truth !== undefined) {
      truth.records += 1;
      truth.responseMissing += 1;
    }
    return;
  }
  world.schedule({ ...item, route, part: 'response' }, delayMs + Math.ceil(vaultDurationMicros(item.call) / 1000));
  if (truth !== undefined) {
    truth.records += 2;
    truth.merged += 1;
  }
}
