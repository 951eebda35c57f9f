import type { OutgoingMessage } from '../../src/core/ports.ts';
import type { Provider } from '../../src/core/schemas/common.ts';
import { normaliseAppEvent } from '../../src/ingest/app/normalise.ts';
import type { CorrelateConfig } from '../../src/correlate/config.ts';
import { appCall, cacheHit } from './actions.ts';
import { renderKmsMessage } from './calls.ts';
import { createCast } from './cast.ts';
import { MinHeap } from './heap.ts';
import { lifecycleCall, serviceCall, unreportedCall } from './kms-only.ts';
import { createRandom } from './random.ts';
import type { ScenarioTruth } from './truth.ts';
import type { Pending, ScenarioWindows, World } from './world.ts';

export interface ScenarioOptions {
  seed: number;
  /** Deliveries to produce (KMS records and app events, repeats included). */
  events: number;
  windows: ScenarioWindows;
  /** Filled with what really happened, when given. */
  truth?: ScenarioTruth;
  actionsPerSecond?: number;
  startMs?: number;
  apps?: number;
  users?: number;
  /** Share of pairs with one side delivered after its window closed. */
  beyondShare?: number;
  duplicateShare?: { kms: number; app: number };
}

export interface Delivery {
  topic: 'kms' | 'app';
  arrivalMs: number;
  message: OutgoingMessage;
}

export function windowsFromConfig(config: CorrelateConfig): ScenarioWindows {
  const providers: Provider[] = ['aws', 'gcp', 'azure', 'vault'];
  return {
    latenessMs: Object.fromEntries(providers.map((provider) => [provider, config.providers[provider].allowedLatenessMs])) as Record<Provider, number>,
    appLatenessMs: config.appAllowedLatenessMs,
    joinWindowMs: Math.max(...providers.map((provider) => config.providers[provider].joinWindowMs)),
  };
}

interface Queued {
  arrivalMs: number;
  seq: number;
  item: Pending;
}

/**
 * The scenario, delivered in arrival order: what an ingestor would publish, one record after another,
 * each provider record later than its call by that provider's delivery delay. Memory holds only the
 * deliveries not yet due (rate × longest delay), so millions of events stream through.
 */
export function* generateDeliveries(options: ScenarioOptions): Generator<Delivery> {
  const random = createRandom(options.seed);
  const queue = new MinHeap<Queued>((a, b) => a.arrivalMs < b.arrivalMs || (a.arrivalMs === b.arrivalMs && a.seq < b.seq));
  const cast = createCast(random, options.apps ?? 24, options.users ?? 500);
  let seq = 0;
  let scheduled = 0;
  const world: World = {
    random,
    cast,
    windows: options.windows,
    truth: options.truth,
    caches: new Map(),
    beyondShare: options.beyondShare ?? 0.01,
    duplicateShare: options.duplicateShare ?? { kms: 0.02, app: 0.01 },
    nowMs: options.startMs ?? Date.parse('2026-01-10T00:00:00Z'),
    schedule(item, delayMs) {
      queue.push({ arrivalMs: world.nowMs + delayMs, seq: seq++, item });
      scheduled += 1;
    },
    pickApp: (provider) => random.pick(provider === undefined ? cast.apps : cast.apps.filter((app) => app.provider === provider)),
  };
  const meanGapMs = 1000 / (options.actionsPerSecond ?? 20);
  while (scheduled < options.events) {
    world.nowMs += Math.max(1, Math.round(random.exponential(meanGapMs)));
    act(world);
    while (queue.size > 0 && queue.peek()!.arrivalMs <= world.nowMs) yield render(queue.pop()!);
  }
  while (queue.size > 0) yield render(queue.pop()!);
  if (options.truth !== undefined) options.truth.deliveries = scheduled;
}

/** One thing happening in the world, drawn from the mix below. */
function act(world: World): void {
  const { random, cast } = world;
  const roll = random.next();
  const user = random.pick(cast.users);
  if (roll < 0.6) appCall(world, world.pickApp(), user);
  else if (roll < 0.72) {
    const app = world.pickApp();
    if (!cacheHit(world, app, user)) appCall(world, app, user);
  } else if (roll < 0.77) appCall(world, world.pickApp(), user, { outcome: 'failure' });
  else if (roll < 0.82) unreportedCall(world);
  else if (roll < 0.86) appCall(world, world.pickApp(), user, { missingKms: true });
  else if (roll < 0.9) serviceCall(world);
  else if (roll < 0.92) lifecycleCall(world);
  else vaultRequest(world, user);
}

/** One user request to a Vault application making two calls under one X-Correlation-Id; the second sometimes fails. */
function vaultRequest(world: World, user: { id: string; tenant: string }): void {
  const app = world.pickApp('vault');
  const correlationId = world.random.uuid();
  appCall(world, app, user, { operation: 'decrypt', correlationId });
  world.nowMs += world.random.int(5, 80);
  appCall(world, app, user, { operation: 'encrypt', correlationId, outcome: world.random.chance(0.3) ? 'failure' : 'success' });
}

function render(queued: Queued): Delivery {
  const { item, arrivalMs } = queued;
  if (item.kind === 'kms') return { topic: 'kms', arrivalMs, message: renderKmsMessage(item.call, arrivalMs) };
  const result = normaliseAppEvent(item.value, { source: 'scenario', ingestTime: new Date(arrivalMs) });
  if (result.kind !== 'event') throw new Error('the scenario produced an app event the normaliser filtered');
  return { topic: 'app', arrivalMs, message: result.message };
}
