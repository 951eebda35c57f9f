import type { IngestedAppEvent } from '../core/schemas/app-event.ts';
import type { KmsEvent } from '../core/schemas/kms-event.ts';
import { pickBest, collectCandidates } from './candidates.ts';
import { retainClosed } from './close.ts';
import type { JoinContext } from './context.ts';
import { cacheWaitKey } from './join-keys.ts';
import { buildRecord } from './records.ts';
import type { StoredEvent } from './state.ts';
import { appOf, kmsOf } from './stored.ts';
import { openWindow } from './windows.ts';

/**
 * The cached rule for an arriving cache hit: the KMS call that produced its data key, found by the
 * request id the application names, pending or already emitted. The record links that call and holds
 * only the app event; the call itself stays in its own record. If the call arrived after the cache
 * hit's window had closed, the hit is unconfirmed and a correction links the two.
 */
export function joinCacheHit(ctx: JoinContext, app: IngestedAppEvent, row: StoredEvent, originKeys: readonly string[]): void {
  const window = ctx.config.providers[app.event.provider].joinWindowMs;
  const time = row.eventTimeMs;
  const origins = collectCandidates(ctx, row.pkey, originKeys, 'kms', 'keyed')
    .filter((candidate) => isValidOrigin(ctx, candidate.row, row))
    .map((candidate) => ({ ...candidate, compatible: true }));
  const onTime = pickBest(origins.filter((candidate) => candidate.row.arrivalWmMs <= time + window), time);
  if (onTime !== undefined) {
    ctx.emit(buildRecord('attributed', { app, linked: [kmsOf(onTime.row)], rule: 'cached' }));
    return;
  }
  const late = pickBest(origins, time);
  if (late !== undefined) {
    const alone = buildRecord('unconfirmed', { app, reason: 'window-closed' });
    ctx.emit(alone);
    ctx.emit(buildRecord('correction', { app, linked: [kmsOf(late.row)], rule: 'cached', reason: 'late-partner', corrects: alone.id }));
    return;
  }
  openWindow(ctx, { ...row, mode: 'cache' }, originKeys.map(cacheWaitKey));
}

/** On a KMS event's arrival: the cache hits waiting for it become cached records, or corrections if their window already closed. */
export function resolveCacheWaiters(ctx: JoinContext, kms: KmsEvent, kmsRow: StoredEvent, keys: readonly string[]): void {
  const idKeys = keys.filter((key) => key.startsWith('id:'));
  const waiters = collectCandidates(ctx, kmsRow.pkey, idKeys.map(cacheWaitKey), 'app', 'cache');
  for (const { row } of waiters) {
    if (!isValidOrigin(ctx, kmsRow, row)) continue;
    if (row.status === 'pending') {
      const record = buildRecord('attributed', { app: appOf(row), linked: [kms], rule: 'cached' });
      ctx.emit(record);
      retainClosed(ctx, row, true, record.id);
    } else if (!row.partnered) {
      ctx.emit(buildRecord('correction', { app: appOf(row), linked: [kms], rule: 'cached', reason: 'late-partner', corrects: row.recordId! }));
      retainClosed(ctx, row, true, row.recordId!);
    }
  }
}

/**
 * A data key is used after the call that made it (allowing for clock skew), within the cache's maximum
 * age; and the cache hit must have arrived before that age had passed on its stream.
 */
function isValidOrigin(ctx: JoinContext, origin: StoredEvent, hit: StoredEvent): boolean {
  const window = ctx.config.providers[origin.provider].joinWindowMs;
  const maxAge = ctx.config.cachedMaxAgeMs;
  const created = origin.eventTimeMs;
  return hit.eventTimeMs >= created - window && hit.eventTimeMs <= created + maxAge + window && hit.arrivalWmMs <= created + maxAge;
}
