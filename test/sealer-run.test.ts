import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSqliteBus } from '../src/bus/sqlite-bus.ts';
import { createTopicNames } from '../src/bus/topics.ts';
import type { Bus } from '../src/core/ports.ts';
import { parseSealerConfig } from '../src/seal/config.ts';
import { createSealer } from '../src/seal/sealer.ts';
import { createNoteSigner, generateNoteKeyPair } from '../src/seal/signer.ts';
import { openChainStore } from '../src/seal/store.ts';
import { createManualClock, makeRecord, recordMessage } from './helpers/records.ts';
import { useTempDirs } from './helpers/temp-dir.ts';

const ORIGIN = 'example.com/run-test';
const tempDir = useTempDirs();

/** The embedded bus, reporting each handled batch: tests await progress instead of polling for it. */
function createObservedBus(path: string) {
  const bus = createSqliteBus({ path, pollIntervalMs: 5 });
  const handled = new EventTarget();
  const observed: Bus = {
    publish: (topic, messages) => bus.publish(topic, messages),
    close: () => bus.close(),
    consume: (options) => bus.consume({ ...options, handleBatch: async (batch) => { await options.handleBatch(batch); handled.dispatchEvent(new Event('batch')); } }),
  };
  return { bus: observed, handled };
}

function setUp() {
  const dir = tempDir();
  const { bus, handled } = createObservedBus(join(dir, 'bus.db'));
  const store = openChainStore(join(dir, 'chain.db'), ORIGIN);
  const topics = createTopicNames();
  const clock = createManualClock();
  const sealer = createSealer({ bus, topics, store, clock, signers: [createNoteSigner(generateNoteKeyPair(ORIGIN).signerKey)], config: parseSealerConfig({ checkpointEveryEntries: 1000, checkpointEveryMs: 60_000, heartbeatMs: 600_000, maxBatchMessages: 7 }) });
  return { bus, store, topics, clock, sealer, handled };
}

describe('sealer run loop over the embedded bus', () => {
  it('seals until idle in batches, dead-letters bad messages after the batch, and ends with a signed head', async () => {
    const { bus, store, topics, sealer } = setUp();
    await bus.publish(topics.records, [...Array.from({ length: 20 }, (_, n) => recordMessage(makeRecord(n))), { key: 'bad', value: Buffer.from('not json') }]);
    await sealer.run({ untilIdle: true });
    expect(store.size()).toBe(20);
    expect(store.latestCheckpoint()).toMatchObject({ size: 20 });
    expect(sealer.counts).toMatchObject({ received: 21, sealed: 20, deadLettered: 1 });
    const letters: Buffer[] = [];
    await bus.consume({ group: 'test-reader', topics: [topics.deadLetter], untilIdle: true, handleBatch: async (batch) => void letters.push(...batch.map((message) => message.value)) });
    expect(letters.map((letter) => JSON.parse(letter.toString()).code)).toEqual(['SEAL_RECORD_INVALID']);
    store.close();
    await bus.close();
  });

  it('stops streaming when aborted, after committing the batch in hand, and signs its final head', async () => {
    const { bus, store, topics, sealer, handled } = setUp();
    await bus.publish(topics.records, Array.from({ length: 5 }, (_, n) => recordMessage(makeRecord(n))));
    const stop = new AbortController();
    const firstBatch = new Promise((resolve) => handled.addEventListener('batch', resolve, { once: true }));
    const running = sealer.run({ untilIdle: false, signal: stop.signal });
    await firstBatch;
    expect(store.size()).toBe(5);
    stop.abort();
    await running;
    expect([...store.checkpoints()].map((checkpoint) => checkpoint.size).at(-1)).toBe(5);
    expect(store.storedOffsets()).toEqual([{ topic: topics.records, partition: 0, nextOffset: '5' }]);
    store.close();
    await bus.close();
  });
});
