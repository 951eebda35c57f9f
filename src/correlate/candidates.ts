import type { JoinContext } from './context.ts';
import { isWeakKey } from './join-keys.ts';
import type { EventMode, Side, StoredEvent } from './state.ts';

export interface Candidate {
  row: StoredEvent;
  /** Found only through a weak (`cid:`) key. */
  weak: boolean;
}

/** Rows of one side and mode sharing any of `keys` within the partition key, each once, with its strongest match. */
export function collectCandidates(ctx: JoinContext, pkey: string, keys: readonly string[], side: Side, mode: EventMode): Candidate[] {
  const byId = new Map<string, Candidate>();
  for (const key of keys) {
    const weak = isWeakKey(key);
    for (const row of ctx.state.findByKey(pkey, key, side)) {
      if (row.mode !== mode) continue;
      const known = byId.get(row.id);
      if (known === undefined || (known.weak && !weak)) byId.set(row.id, { row, weak });
    }
  }
  return [...byId.values()];
}

/**
 * The preferred candidate, in an order that does not depend on arrival: strong keys before weak ones,
 * agreeing operation and outcome first, then the nearest event time, then the id.
 */
export function pickBest<T extends Candidate & { compatible: boolean }>(candidates: readonly T[], eventTimeMs: number): T | undefined {
  let best: T | undefined;
  for (const candidate of candidates) {
    if (best === undefined || compareCandidates(candidate, best, eventTimeMs) < 0) best = candidate;
  }
  return best;
}

function compareCandidates(a: Candidate & { compatible: boolean }, b: Candidate & { compatible: boolean }, time: number): number {
  if (a.weak !== b.weak) return a.weak ? 1 : -1;
  if (a.compatible !== b.compatible) return a.compatible ? -1 : 1;
  const distance = Math.abs(a.row.eventTimeMs - time) - Math.abs(b.row.eventTimeMs - time);
  if (distance !== 0) return distance;
  return a.row.id < b.row.id ? -1 : a.row.id > b.row.id ? 1 : 0;
}
