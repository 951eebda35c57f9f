import type { IngestedAppEvent } from '../core/schemas/app-event.ts';
import type { KmsEvent } from '../core/schemas/kms-event.ts';
import { isLifecycleOperation } from '../core/schemas/operations.ts';
import type { AttributedRecord } from '../core/schemas/record.ts';
import { appJoinKeys, kmsJoinKeys } from './join-keys.ts';
import { buildRecord } from './records.ts';
import type { JoinState } from './state.ts';

export interface JoinCounts {
  duplicates: number;
}

/**
 * The join, one event at a time. Lifecycle and service-invoked KMS calls are records of their own; any
 * other KMS event waits for an app event sharing a join key from the same provider, and vice versa.
 */
export function joinKmsEvent(event: KmsEvent, state: JoinState, counts: JoinCounts): AttributedRecord[] {
  if (!state.markSeen('kms', `${event.provider}:${event.eventId}`)) {
    counts.duplicates += 1;
    return [];
  }
  if (isLifecycleOperation(event.operation)) return [buildRecord('lifecycle', { kms: event })];
  if (event.invokedBy !== null) return [buildRecord('service', { kms: event })];
  const keys = kmsJoinKeys(event);
  const partner = state.findPartner('app', event.provider, keys);
  if (partner !== undefined) {
    state.removePending('app', partner.id);
    return [buildRecord('attributed', { kms: event, app: JSON.parse(partner.body) as IngestedAppEvent, rule: 'exact' })];
  }
  state.addPending({ side: 'kms', id: `${event.provider}:${event.eventId}`, provider: event.provider, eventTimeMs: Date.parse(event.eventTime), body: JSON.stringify(event) }, keys);
  return [];
}

export function joinAppEvent(ingested: IngestedAppEvent, state: JoinState, counts: JoinCounts): AttributedRecord[] {
  const event = ingested.event;
  if (!state.markSeen('app', event.eventId)) {
    counts.duplicates += 1;
    return [];
  }
  const keys = appJoinKeys(event);
  const partner = state.findPartner('kms', event.provider, keys);
  if (partner !== undefined) {
    state.removePending('kms', partner.id);
    return [buildRecord('attributed', { kms: JSON.parse(partner.body) as KmsEvent, app: ingested, rule: 'exact' })];
  }
  state.addPending({ side: 'app', id: event.eventId, provider: event.provider, eventTimeMs: Date.parse(event.time), body: JSON.stringify(ingested) }, keys);
  return [];
}

/** Closes every open window: leftover KMS events are unattributed, leftover app events unconfirmed. */
export function closeAllWindows(state: JoinState, reason: string): AttributedRecord[] {
  return state.listPending().map((pending) => {
    state.removePending(pending.side, pending.id);
    return pending.side === 'kms'
      ? buildRecord('unattributed', { kms: JSON.parse(pending.body) as KmsEvent, reason })
      : buildRecord('unconfirmed', { app: JSON.parse(pending.body) as IngestedAppEvent, reason });
  });
}
