import type { Provider } from '../../src/core/schemas/common.ts';
import type { CorrelateConfig } from '../../src/correlate/config.ts';
import { appCall, cacheHit } from './actions.ts';
import { createCast } from './cast.ts';
import { MinHeap } from './heap.ts';
import { lifecycleCall, serviceCall, unreportedCall } from './kms-only.ts';
import { createRandom } from './random.ts';
import { renderPending, type RawDelivery } from './render.ts';
import type { ScenarioTruth } from './truth.ts';
import type { Pending, ScenarioWindows, World } from './world.ts';

export interface ScenarioOptions {
  seed: number;
  /** Event deliveries to produce (KMS calls and app events, repeats included; a Vault request and response entry are one). */
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
 * The scenario, delivered in arrival order: the raw records ingest reads (CloudTrail records, Cloud
 * Audit Logs entries, Key Vault AuditEvents in three shapes, Vault audit entries, app events), each
 * provider record later than its call by that provider's delivery delay. Memory holds only the records
 * not yet due (rate × longest delay), so millions of events stream through.
 */
export function* generateRawDeliveries(options: ScenarioOptions): Generator<RawDelivery> {
  const random = createRandom(options.seed);
  const queue = new MinHeap<Queued>((a, b) => a.arrivalMs < b.arrivalMs || (a.arrivalMs === b.arrivalMs && a.seq < b.seq));
  const cast = createCast(random, options.apps ?? 24, options.users ?? 500);
  let seq = 0;
  const world: World = {
    random,
    cast,
    windows: options.windows,
    truth: options.truth,
    caches: new Map(),
    beyondShare: options.beyondShare ?? 0.01,
    duplicateShare: options.duplicateShare ?? { kms: 0.02, app: 0.01 },
    nowMs: options.startMs ?? Date.parse('2026-01-10T00:00:00Z'),
    deliveries: 0,
    schedule(item, delayMs) {
      queue.push({ arrivalMs: world.nowMs + delayMs, seq: seq++, item });
    },
    pickApp: (provider) => random.pick(provider === undefined ? cast.apps : cast.apps.filter((app) => app.provider === provider)),
  };
  const meanGapMs = 1000 / (options.actionsPerSecond ?? 20);
  while (world.deliveries < options.events) {
    world.nowMs += Math.max(1, Math.round(random.exponential(meanGapMs)));
    act(world);
    while (queue.size > 0 && queue.peek()!.arrivalMs <= world.nowMs) yield render(queue.pop()!);
  }
  while (queue.size > 0) yield render(queue.pop()!);
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
  else if (roll < 0.93) appCall(world, world.pickApp('vault'), user, { responseMissing: true });
  else vaultRequest(world, user);
}

/**
 * One user request to a Vault application making two calls under one X-Correlation-Id; the second
 * sometimes fails, or is logged without its response entry (the application saw an error).
 */
function vaultRequest(world: World, user: { id: string; tenant: string }): void {
  const app = world.pickApp('vault');
  const correlationId = world.random.uuid();
  appCall(world, app, user, { operation: 'decrypt', correlationId });
  world.nowMs += world.random.int(5, 80);
  const second = world.random.next();
  appCall(world, app, user, { operation: 'encrypt', correlationId, ...(second < 0.1 ? { responseMissing: true } : { outcome: second < 0.4 ? 'failure' : 'success' }) });
}

function render(queued: Queued): RawDelivery {
  return renderPending(queued.item, queued.arrivalMs);
}
