import type { Bus, OutgoingMessage } from '../core/ports.ts';
import type { JoinState } from './state.ts';

const PAGE = 1_000;

/**
 * Publishes the instance's outbox entries in order, and removes each page once the bus has it durably.
 * A failure leaves the rest in place for the next call.
 */
export async function flushOutbox(bus: Bus, state: JoinState, owner: string): Promise<void> {
  for (;;) {
    const entries = state.outbox.list(owner, 0, PAGE);
    if (entries.length === 0) return;
    let start = 0;
    while (start < entries.length) {
      const topic = entries[start]!.topic;
      const messages: OutgoingMessage[] = [];
      let end = start;
      while (end < entries.length && entries[end]!.topic === topic) messages.push(entries[end++]!.message);
      await bus.publish(topic, messages);
      start = end;
    }
    state.outbox.remove(owner, entries[entries.length - 1]!.seq);
    if (entries.length < PAGE) return;
  }
}
