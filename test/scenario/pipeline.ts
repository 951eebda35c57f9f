import type { Bus, OutgoingMessage, TopicNames } from '../../src/core/ports.ts';
import { AttributedRecord } from '../../src/core/schemas/record.ts';
import type { IngestCounts } from '../../src/ingest/publisher.ts';
import { createScenarioIngest } from './ingest.ts';
import type { RawDelivery } from './render.ts';
import type { ScenarioTruth } from './truth.ts';

/** A message ingest published to an events topic. */
export interface Delivery {
  topic: 'kms' | 'app';
  message: OutgoingMessage;
}

/**
 * The raw records through the scenario's ingest (`ingest.ts`) onto a bus that only collects what it is
 * given: the events topics' messages in the order ingest published them, ready to publish to any bus
 * or to feed the correlator directly. Dead letters are kept apart; `counts` is complete once the
 * generator is done.
 */
export async function* ingestToDeliveries(raw: Iterable<RawDelivery>, options: { topics: TopicNames; directory: string; truth?: ScenarioTruth; counts?: (counts: IngestCounts, deadLetters: number) => void }): AsyncGenerator<Delivery> {
  const collected: Delivery[] = [];
  let deadLetters = 0;
  const { topics } = options;
  const collector: Bus = {
    async publish(topic, messages) {
      if (topic === topics.kmsEvents || topic === topics.appEvents) for (const message of messages) collected.push({ topic: topic === topics.kmsEvents ? 'kms' : 'app', message });
      else deadLetters += messages.length;
    },
    consume: () => Promise.reject(new Error('the collecting bus is write-only')),
    close: async () => undefined,
  };
  const ingest = createScenarioIngest({ bus: collector, topics, directory: options.directory, ...(options.truth === undefined ? {} : { truth: options.truth }) });
  try {
    for (const delivery of raw) {
      await ingest.add(delivery);
      yield* collected.splice(0);
    }
    await ingest.finish();
    yield* collected.splice(0);
    options.counts?.(ingest.counts, deadLetters);
  } finally {
    ingest.close();
  }
}

/** Publishes deliveries as ingest would have: in order within each events topic, in batches. */
export async function publishDeliveries(bus: Bus, topics: TopicNames, deliveries: Iterable<Delivery> | AsyncIterable<Delivery>, batchSize = 500): Promise<number> {
  const buffers: Record<Delivery['topic'], OutgoingMessage[]> = { kms: [], app: [] };
  const topicOf = { kms: topics.kmsEvents, app: topics.appEvents };
  let count = 0;
  for await (const delivery of deliveries) {
    const buffer = buffers[delivery.topic];
    buffer.push(delivery.message);
    count += 1;
    if (buffer.length >= batchSize) await bus.publish(topicOf[delivery.topic], buffer.splice(0));
  }
  for (const topic of ['kms', 'app'] as const) await bus.publish(topicOf[topic], buffers[topic].splice(0));
  return count;
}

/** Every record on the records topic, read by a group of its own. */
export async function readRecords(bus: Bus, topics: TopicNames, group = `scenario-reader-${process.pid}-${Date.now()}`): Promise<AttributedRecord[]> {
  const records: AttributedRecord[] = [];
  await bus.consume({
    group,
    topics: [topics.records],
    untilIdle: true,
    handleBatch: async (batch) => {
      for (const message of batch) records.push(AttributedRecord.parse(JSON.parse(message.value.toString('utf8'))));
    },
  });
  return records;
}
