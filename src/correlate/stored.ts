import type { IngestedAppEvent } from '../core/schemas/app-event.ts';
import type { KmsEvent } from '../core/schemas/kms-event.ts';
import { appInputId, kmsInputId } from './record-id.ts';
import type { EventMode, Side, StoredEvent } from './state.ts';
import type { StreamId } from './watermarks.ts';

/** A new pending row for an event: it waits on the other side's stream until `dueMs`. */
export function newPendingRow(
  parts: { side: Side; id: string; provider: StoredEvent['provider']; partition: number; pkey: string; eventTimeMs: number; arrivalWmMs: number; body: string },
  mode: EventMode,
  dueMs: number,
  match: string | null = null,
): StoredEvent {
  return { rowid: 0, ...parts, mode, status: 'pending', partnered: false, waitSide: otherSide(parts.side), dueMs, phase: 1, recordId: null, match };
}

export function otherSide(side: Side): Side {
  return side === 'kms' ? 'app' : 'kms';
}

export function waitStream(row: StoredEvent): StreamId {
  return { side: row.waitSide, provider: row.provider, partition: row.partition };
}

export function kmsOf(row: StoredEvent): KmsEvent {
  return JSON.parse(row.body) as KmsEvent;
}

export function appOf(row: StoredEvent): IngestedAppEvent {
  return JSON.parse(row.body) as IngestedAppEvent;
}

export function kmsRowId(event: KmsEvent): string {
  return kmsInputId(event.provider, event.eventId);
}

export function appRowId(event: IngestedAppEvent): string {
  return appInputId(event.event.eventId);
}
