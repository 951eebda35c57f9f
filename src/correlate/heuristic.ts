import type { AppEvent } from '../core/schemas/app-event.ts';
import type { KmsEvent } from '../core/schemas/kms-event.ts';
import { normaliseKeyName } from '../core/partition-key.ts';
import { closeAlone, retainClosed } from './close.ts';
import type { JoinContext } from './context.ts';
import { normaliseAppOperation } from './join-keys.ts';
import { buildRecord } from './records.ts';
import type { StoredEvent } from './state.ts';
import { appOf, kmsOf, otherSide } from './stored.ts';

/**
 * The heuristic rule compares principal, key, operation and outcome; both sides reduce them to one
 * string so candidates are found with one indexed lookup. Null when the event lacks one of them.
 */
export function kmsHeuristicMatch(event: KmsEvent): string | null {
  if (event.principal === null || event.keyId === null) return null;
  return JSON.stringify([event.principal.id, normaliseKeyName(event.keyId), event.operation, event.outcome]);
}

export function appHeuristicMatch(event: AppEvent): string | null {
  if (event.principal === undefined) return null;
  return JSON.stringify([event.principal, normaliseKeyName(event.keyId), normaliseAppOperation(event.operation), event.outcome ?? 'success']);
}

/**
 * Decides a heuristic row once every candidate it and its candidates can have has arrived (phase 2 has
 * ended, or the input ended). A pair is made only when each is the other's only candidate; both sides
 * reach the same decision whichever of them decides first, so the outcome does not depend on arrival
 * order. Anything else closes alone: heuristic-ambiguous when there were candidates, window-closed when none.
 */
export function decideHeuristic(ctx: JoinContext, row: StoredEvent, reasonAlone: 'window-closed' | 'end-of-input'): void {
  const candidates = listCandidates(ctx, row);
  if (candidates.length === 1) {
    const partner = candidates[0]!;
    const back = listCandidates(ctx, partner);
    if (partner.status === 'pending' && back.length === 1 && back[0]!.id === row.id) {
      const [kmsRow, appRow] = row.side === 'kms' ? [row, partner] : [partner, row];
      const record = buildRecord('attributed', { kms: kmsOf(kmsRow), app: appOf(appRow), rule: 'heuristic' });
      ctx.emit(record);
      retainClosed(ctx, row, true, record.id);
      retainClosed(ctx, partner, true, record.id);
      return;
    }
  }
  closeAlone(ctx, row, candidates.length === 0 ? reasonAlone : 'heuristic-ambiguous');
}

/**
 * The other side's heuristic rows with the same match within the tolerance, each on time for the
 * other: the row arrived before the candidate's window closed on its stream, and the other way round.
 */
function listCandidates(ctx: JoinContext, row: StoredEvent): StoredEvent[] {
  const tolerance = ctx.config.providers[row.provider].heuristic.toleranceMs;
  const time = row.eventTimeMs;
  return ctx.state
    .listHeuristic(row.pkey, otherSide(row.side), row.match!, time - tolerance, time + tolerance)
    .filter((candidate) => row.arrivalWmMs <= candidate.eventTimeMs + tolerance && candidate.arrivalWmMs <= time + tolerance);
}
