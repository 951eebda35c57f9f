import type { Bus, OutgoingMessage } from '../core/ports.ts';
import type { JoinState } from './state.ts';

export interface OutboxRange {
  from: number;
  to: number;
}

const PAGE = 1_000;

/**
 * Publishes outbox entries in order and removes them once the bus has them durably. With a range, only
 * that transaction's entries (other instances sharing the state publish their own); without one, every
 * entry left by an earlier run that stopped between its commit and its publish.
 */
export async function flushOutbox(bus: Bus, state: JoinState, range: OutboxRange | 'all'): Promise<void> {
  let after = range === 'all' ? 0 : range.from - 1;
  const last = range === 'all' ? Number.MAX_SAFE_INTEGER : range.to;
  for (;;) {
    const entries = state.outbox.list(after, PAGE).filter((entry) => entry.seq <= last);
    if (entries.length === 0) return;
    let start = 0;
    while (start < entries.length) {
      const topic = entries[start]!.topic;
      let end = start;
      const messages: OutgoingMessage[] = [];
      while (end < entries.length && entries[end]!.topic === topic) messages.push(entries[end++]!.message);
      await bus.publish(topic, messages);
      start = end;
    }
    const first = entries[0]!.seq;
    after = entries[entries.length - 1]!.seq;
    state.outbox.remove(first, after);
    if (after >= last) return;
  }
}
