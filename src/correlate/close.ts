import type { AttributedRecord, RecordReason } from '../core/schemas/record.ts';
import type { JoinContext } from './context.ts';
import { buildRecord } from './records.ts';
import type { StoredEvent } from './state.ts';
import { appOf, kmsOf, otherSide } from './stored.ts';

/** How many heuristic tolerances a heuristic row outlives its own time: every decision that can name it is done by then. */
const HEURISTIC_RETENTION_TOLERANCES = 5;

/**
 * Marks a row closed and decides how long it stays. A KMS event stays while cache hits may still name
 * it and, if it found no partner, while a late partner may still correct it; an app event without a
 * partner stays for corrections; a heuristic row stays until both streams are past every decision
 * that could count it as a candidate (phase 3 on its own stream, then phase 4 on the other).
 * `fresh` is given for an arriving event that was never stored: its join keys are registered with it.
 */
export function retainClosed(ctx: JoinContext, row: StoredEvent, partnered: boolean, recordId: string, fresh?: Fresh): void {
  if (fresh === undefined && row.status === 'pending') ctx.pendingCount -= 1;
  const window = ctx.config.providers[row.provider];
  const closed: StoredEvent = { ...row, status: 'closed', partnered, recordId };
  if (row.mode === 'plain' || (row.side === 'app' && row.mode !== 'heuristic' && partnered)) {
    if (fresh === undefined) ctx.state.deleteEvent(row);
    return;
  }
  if (row.mode === 'heuristic') {
    Object.assign(closed, { waitSide: row.side, phase: 3, dueMs: row.eventTimeMs + HEURISTIC_RETENTION_TOLERANCES * window.heuristic.toleranceMs });
  } else if (row.side === 'kms') {
    const forCache = ctx.config.cachedMaxAgeMs + window.joinWindowMs;
    const forCorrections = partnered ? 0 : window.joinWindowMs + ctx.config.correctionWindowMs;
    Object.assign(closed, { waitSide: 'app', dueMs: row.eventTimeMs + Math.max(forCache, forCorrections) });
  } else {
    Object.assign(closed, { waitSide: 'kms', dueMs: row.eventTimeMs + window.joinWindowMs + ctx.config.correctionWindowMs });
  }
  if (fresh === undefined) ctx.state.updateEvent(closed);
  else ctx.state.insertEvent(closed, fresh.keys);
}

/** An arriving event's row, not yet stored, with the join keys it is to be found by. */
export interface Fresh {
  keys: readonly string[];
}

/** Expiry of a closed row: heuristic rows move from phase 3 to 4 (the other stream), anything else goes. */
export function expireClosed(ctx: JoinContext, row: StoredEvent): void {
  if (row.mode === 'heuristic' && row.phase === 3) {
    ctx.state.updateEvent({ ...row, phase: 4, waitSide: otherSide(row.side) });
    return;
  }
  ctx.state.deleteEvent(row);
}

/** Emits a stored row on its own: an unattributed KMS event or an unconfirmed app event. */
export function closeAlone(ctx: JoinContext, row: StoredEvent, reason: RecordReason): AttributedRecord {
  const record = row.side === 'kms' ? buildRecord('unattributed', { kms: kmsOf(row), reason }) : buildRecord('unconfirmed', { app: appOf(row), reason });
  ctx.emit(record);
  retainClosed(ctx, row, false, record.id);
  return record;
}
