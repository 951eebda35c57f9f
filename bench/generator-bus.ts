import { partitionForKey } from '../src/bus/partition.ts';
import type { Bus, BusMessage, TopicNames } from '../src/core/ports.ts';
import type { Delivery } from '../test/scenario/pipeline.ts';

/**
 * A bus whose events topics are a generated scenario as ingest published it, read once in order and partitioned with
 * Kafka's partitioner, and whose other topics count what is published and keep nothing. It measures the
 * correlator without a broker's or the embedded bus's disk in the way, and holds nothing per event.
 */
export function createGeneratorBus(deliveries: AsyncIterator<Delivery>, topics: TopicNames, partitions: number): Bus & { published: Map<string, number> } {
  const nextOffset = new Map<string, number>();
  const published = new Map<string, number>();
  return {
    published,
    async publish(topic, messages) {
      published.set(topic, (published.get(topic) ?? 0) + messages.length);
    },
    async consume(options) {
      const limit = options.maxBatchMessages ?? 2_000;
      for (;;) {
        const batch: BusMessage[] = [];
        while (batch.length < limit) {
          const next = await deliveries.next();
          if (next.done === true) break;
          const { message } = next.value;
          const topic = next.value.topic === 'kms' ? topics.kmsEvents : topics.appEvents;
          const partition = partitionForKey(message.key, partitions);
          const slot = `${topic}:${partition}`;
          const offset = nextOffset.get(slot) ?? 0;
          nextOffset.set(slot, offset + 1);
          batch.push({ topic, partition, offset: String(offset), key: message.key, value: message.value, headers: message.headers ?? {} });
        }
        if (batch.length === 0) return;
        await options.handleBatch(batch);
      }
    },
    async close() {},
  };
}
