import type { z } from 'zod';
import { buildDeadLetter } from '../core/dead-letter.ts';
import { KeytrailError } from '../core/errors.ts';
import { hashLeaf } from '../core/merkle-hash.ts';
import type { Bus, BusMessage, Clock, OutgoingMessage, TopicNames } from '../core/ports.ts';
import { schemaError } from '../core/schema-error.ts';
import { AttributedRecord } from '../core/schemas/record.ts';
import { buildEntry } from './chain.ts';
import { signCheckpoint } from './checkpoint.ts';
import { nodesForAppend, rootAt } from './merkle-tree.ts';
import type { NoteSigner } from './signer.ts';
import type { ChainStore } from './store.ts';

export const SEAL_GROUP = 'keytrail-seal';

export interface SealerDeps {
  bus: Bus;
  topics: TopicNames;
  store: ChainStore;
  signers: readonly NoteSigner[];
  clock: Clock;
}

export interface SealerCounts {
  received: number;
  sealed: number;
  duplicates: number;
  deadLettered: number;
  checkpoints: number;
}

export interface Sealer {
  readonly counts: SealerCounts;
  run(options: { untilIdle: boolean; signal?: AbortSignal }): Promise<void>;
}

/**
 * Appends records to the chain. One batch is one SQLite transaction holding its entries, their tree
 * nodes, the consumer offsets and a signed checkpoint over the new size, so after a crash the store
 * is either before the batch or after it, and every entry it holds is covered by a signature.
 * Records already in the chain (same record id) are dropped and counted.
 */
export function createSealer(deps: SealerDeps): Sealer {
  const counts: SealerCounts = { received: 0, sealed: 0, duplicates: 0, deadLettered: 0, checkpoints: 0 };
  const { store } = deps;

  function sealBatch(batch: readonly BusMessage[]): OutgoingMessage[] {
    const deadLetters: OutgoingMessage[] = [];
    const sealedAt = deps.clock.now();
    const seenInBatch = new Set<string>();
    store.transaction(() => {
      const before = store.head().size;
      for (const message of batch) {
        counts.received += 1;
        const record = parseRecord(message);
        if (record instanceof KeytrailError) {
          const letter = buildDeadLetter(record, message.value, { stage: 'seal', source: message.topic, position: `${message.partition}:${message.offset}` }, sealedAt);
          deadLetters.push({ key: message.key, value: Buffer.from(JSON.stringify(letter), 'utf8') });
          continue;
        }
        if (seenInBatch.has(record.id) || store.hasRecord(record.id)) {
          counts.duplicates += 1;
          continue;
        }
        seenInBatch.add(record.id);
        const sealed = buildEntry(store.origin, store.head(), sealedAt, record);
        const seq = store.head().size;
        store.appendEntry({ seq, recordId: record.id, hash: Buffer.from(sealed.hashHex, 'hex'), bytes: sealed.bytes }, nodesForAppend(seq, hashLeaf(sealed.bytes), store.nodes));
      }
      for (const message of batch) store.saveOffset(message.topic, message.partition, String(BigInt(message.offset) + 1n));
      if (store.head().size > before) writeCheckpoint(sealedAt);
      counts.sealed += store.head().size - before;
    });
    counts.deadLettered += deadLetters.length;
    return deadLetters;
  }

  function writeCheckpoint(time: Date): void {
    const head = store.head();
    const note = signCheckpoint(
      { origin: store.origin, size: head.size, rootBase64: rootAt(head.size, store.nodes).toString('base64'), headHex: head.hashHex, time: time.toISOString() },
      deps.signers,
    );
    store.addCheckpoint(head.size, note);
    counts.checkpoints += 1;
  }

  return {
    counts,
    run: (options) =>
      deps.bus.consume({
        group: SEAL_GROUP,
        topics: [deps.topics.records],
        untilIdle: options.untilIdle,
        signal: options.signal,
        handleBatch: async (batch) => {
          // Dead letters are published after the entries are durable; a crash in between replays the
          // batch, whose records are then duplicates and whose bad messages are dead-lettered again.
          await deps.bus.publish(deps.topics.deadLetter, sealBatch(batch));
        },
      }),
  };
}

function parseRecord(message: BusMessage): AttributedRecord | KeytrailError {
  let value: unknown;
  try {
    value = JSON.parse(message.value.toString('utf8'));
  } catch {
    return new KeytrailError('SEAL_RECORD_INVALID', `message ${message.partition}:${message.offset} on ${message.topic} is not JSON`);
  }
  const parsed = (AttributedRecord as z.ZodType<AttributedRecord>).safeParse(value);
  return parsed.success ? parsed.data : schemaError('SEAL_RECORD_INVALID', 'record does not match its schema', parsed.error);
}
