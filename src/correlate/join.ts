import { appEventPartitionKey, kmsEventPartitionKey } from '../core/partition-key.ts';
import type { IngestedAppEvent } from '../core/schemas/app-event.ts';
import type { KmsEvent } from '../core/schemas/kms-event.ts';
import { isLifecycleOperation } from '../core/schemas/operations.ts';
import { joinCacheHit, resolveCacheWaiters } from './cached.ts';
import type { JoinContext } from './context.ts';
import { appEventDigest, kmsEventDigest } from './event-digest.ts';
import { joinKeyedApp, joinKeyedKms } from './exact.ts';
import { appHeuristicMatch, kmsHeuristicMatch } from './heuristic.ts';
import { appJoinKeys, cacheOriginKeys, kmsJoinKeys } from './join-keys.ts';
import { buildRecord } from './records.ts';
import type { SeenResult, Side } from './state.ts';
import { appRowId, kmsRowId, newPendingRow } from './stored.ts';
import type { StreamId } from './watermarks.ts';
import { openWindow, sweepStream } from './windows.ts';

/**
 * One KMS event through the join. Lifecycle calls and service-invoked calls are records of their own;
 * a call with join keys takes the exact rule (and completes any cache hits waiting for it); a call
 * without keys waits for a heuristic partner where the provider opted in, else closes alone. Then the
 * event's stream moves on, which may close other windows.
 */
export function joinKmsEvent(ctx: JoinContext, event: KmsEvent, partition: number): SeenResult {
  const stream: StreamId = { side: 'kms', provider: event.provider, partition };
  const id = kmsRowId(event);
  const eventTimeMs = Date.parse(event.eventTime);
  const seen = ctx.state.markSeen({ ...stream, id, eventTimeMs, digest: kmsEventDigest(event) });
  if (seen !== 'new') return seen;
  const window = ctx.config.providers[event.provider];
  if (isLifecycleOperation(event.operation)) ctx.emit(buildRecord('lifecycle', { kms: event }));
  else if (event.invokedBy !== null) ctx.emit(buildRecord('service', { kms: event }));
  else {
    const base = baseRow(ctx, 'kms', stream, id, kmsEventPartitionKey(event), eventTimeMs, JSON.stringify(event));
    const keys = kmsJoinKeys(event);
    const match = window.heuristic.enabled ? kmsHeuristicMatch(event) : null;
    if (keys.length > 0) {
      const row = newPendingRow(base, 'keyed', eventTimeMs + window.joinWindowMs);
      joinKeyedKms(ctx, event, row, keys);
      resolveCacheWaiters(ctx, event, row, keys);
    } else if (match !== null) openWindow(ctx, newPendingRow(base, 'heuristic', eventTimeMs + window.heuristic.toleranceMs, match), []);
    else openWindow(ctx, newPendingRow(base, 'plain', eventTimeMs + window.joinWindowMs), []);
  }
  advance(ctx, stream, eventTimeMs);
  return 'new';
}

/** One app event through the join: a cache hit looks for its data key's call, a keyed event for its call, a keyless one as for KMS events. */
export function joinAppEvent(ctx: JoinContext, ingested: IngestedAppEvent, partition: number): SeenResult {
  const event = ingested.event;
  const stream: StreamId = { side: 'app', provider: event.provider, partition };
  const id = appRowId(ingested);
  const eventTimeMs = Date.parse(event.time);
  const seen = ctx.state.markSeen({ ...stream, id, eventTimeMs, digest: appEventDigest(ingested) });
  if (seen !== 'new') return seen;
  const window = ctx.config.providers[event.provider];
  const base = baseRow(ctx, 'app', stream, id, appEventPartitionKey(event), eventTimeMs, JSON.stringify(ingested));
  const keyed = newPendingRow(base, 'keyed', eventTimeMs + window.joinWindowMs);
  const keys = appJoinKeys(event);
  const match = window.heuristic.enabled ? appHeuristicMatch(event) : null;
  if (event.cacheHit === true) joinCacheHit(ctx, ingested, keyed, cacheOriginKeys(event));
  else if (keys.length > 0) joinKeyedApp(ctx, ingested, keyed, keys);
  else if (match !== null) openWindow(ctx, newPendingRow(base, 'heuristic', eventTimeMs + window.heuristic.toleranceMs, match), []);
  else openWindow(ctx, newPendingRow(base, 'plain', eventTimeMs + window.joinWindowMs), []);
  advance(ctx, stream, eventTimeMs);
  return 'new';
}

function baseRow(ctx: JoinContext, side: Side, stream: StreamId, id: string, pkey: string, eventTimeMs: number, body: string) {
  return { side, id, provider: stream.provider, partition: stream.partition, pkey, eventTimeMs, arrivalWmMs: ctx.watermarks.get(stream), body };
}

function advance(ctx: JoinContext, stream: StreamId, eventTimeMs: number): void {
  const { before, after } = ctx.watermarks.observe(stream, eventTimeMs, ctx.wallMs);
  if (after > before) sweepStream(ctx, stream);
}
