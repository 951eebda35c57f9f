import type { IngestedAppEvent } from '../core/schemas/app-event.ts';
import type { KmsEvent } from '../core/schemas/kms-event.ts';
import { pickBest, collectCandidates } from './candidates.ts';
import { retainClosed } from './close.ts';
import type { JoinContext } from './context.ts';
import { isCompatible } from './join-keys.ts';
import { buildRecord } from './records.ts';
import type { StoredEvent } from './state.ts';
import { appOf, kmsOf } from './stored.ts';
import { openWindow } from './windows.ts';

/**
 * The exact rule for an arriving KMS event, `row` being its not yet stored pending row. In order:
 * a pending app event that was on time for it (attributed); an app event already emitted alone
 * (a correction, this KMS event being the late partner); a pending app event that arrived after this
 * event's window had closed (this event is emitted alone, then the app event corrects it, the same
 * records the opposite arrival order gives); otherwise the event opens its window.
 */
export function joinKeyedKms(ctx: JoinContext, kms: KmsEvent, row: StoredEvent, keys: readonly string[]): void {
  const window = ctx.config.providers[kms.provider].joinWindowMs;
  const candidates = collectCandidates(ctx, row.pkey, keys, 'app', 'keyed')
    .map((candidate) => ({ ...candidate, app: appOf(candidate.row), compatible: false }))
    .map((candidate) => ({ ...candidate, compatible: isCompatible(kms, candidate.app.event) }))
    .filter((candidate) => !candidate.weak || candidate.compatible);
  const time = row.eventTimeMs;
  const pending = candidates.filter((candidate) => candidate.row.status === 'pending');
  const onTime = pickBest(pending.filter((candidate) => candidate.row.arrivalWmMs <= time + window), time);
  if (onTime !== undefined) {
    const record = buildRecord('attributed', { kms, app: onTime.app, rule: 'exact' });
    ctx.emit(record);
    retainClosed(ctx, onTime.row, true, record.id);
    retainClosed(ctx, row, true, record.id, { keys });
    return;
  }
  const emitted = pickBest(candidates.filter((candidate) => candidate.row.status === 'closed' && !candidate.row.partnered), time);
  if (emitted !== undefined) {
    const record = buildRecord('correction', { kms, app: emitted.app, rule: 'exact', reason: 'late-partner', corrects: emitted.row.recordId! });
    ctx.emit(record);
    retainClosed(ctx, emitted.row, true, emitted.row.recordId!);
    retainClosed(ctx, row, true, record.id, { keys });
    return;
  }
  const late = pickBest(pending, time);
  if (late !== undefined) {
    // This call's window had closed before the app event came: the call is unattributed, the app event its correction.
    const alone = buildRecord('unattributed', { kms, reason: 'window-closed' });
    const record = buildRecord('correction', { kms, app: late.app, rule: 'exact', reason: 'late-partner', corrects: alone.id });
    ctx.emit(alone);
    ctx.emit(record);
    retainClosed(ctx, late.row, true, record.id);
    retainClosed(ctx, row, true, alone.id, { keys });
    return;
  }
  openWindow(ctx, row, keys);
}

/** The exact rule for an arriving app event; the mirror image of joinKeyedKms. */
export function joinKeyedApp(ctx: JoinContext, app: IngestedAppEvent, row: StoredEvent, keys: readonly string[]): void {
  const window = ctx.config.providers[app.event.provider].joinWindowMs;
  const candidates = collectCandidates(ctx, row.pkey, keys, 'kms', 'keyed')
    .map((candidate) => ({ ...candidate, kms: kmsOf(candidate.row), compatible: false }))
    .map((candidate) => ({ ...candidate, compatible: isCompatible(candidate.kms, app.event) }))
    .filter((candidate) => !candidate.weak || candidate.compatible);
  const time = row.eventTimeMs;
  const pending = candidates.filter((candidate) => candidate.row.status === 'pending');
  const onTime = pickBest(pending.filter((candidate) => candidate.row.arrivalWmMs <= time + window), time);
  if (onTime !== undefined) {
    const record = buildRecord('attributed', { kms: onTime.kms, app, rule: 'exact' });
    ctx.emit(record);
    retainClosed(ctx, onTime.row, true, record.id);
    return;
  }
  const emitted = pickBest(candidates.filter((candidate) => candidate.row.status === 'closed' && !candidate.row.partnered), time);
  if (emitted !== undefined) {
    ctx.emit(buildRecord('correction', { kms: emitted.kms, app, rule: 'exact', reason: 'late-partner', corrects: emitted.row.recordId! }));
    retainClosed(ctx, emitted.row, true, emitted.row.recordId!);
    return;
  }
  const late = pickBest(pending, time);
  if (late !== undefined) {
    const alone = buildRecord('unconfirmed', { app, reason: 'window-closed' });
    const record = buildRecord('correction', { kms: late.kms, app, rule: 'exact', reason: 'late-partner', corrects: alone.id });
    ctx.emit(alone);
    ctx.emit(record);
    retainClosed(ctx, late.row, true, record.id);
    return;
  }
  openWindow(ctx, row, keys);
}
