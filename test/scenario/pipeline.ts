import type { Bus, OutgoingMessage, TopicNames } from '../../src/core/ports.ts';
import { AttributedRecord } from '../../src/core/schemas/record.ts';
import type { Delivery } from './generate.ts';

/** Publishes deliveries as an ingestor would: in arrival order within each events topic, in batches. */
export async function publishDeliveries(bus: Bus, topics: TopicNames, deliveries: Iterable<Delivery>, batchSize = 500): Promise<number> {
  const buffers: Record<Delivery['topic'], OutgoingMessage[]> = { kms: [], app: [] };
  const topicOf = { kms: topics.kmsEvents, app: topics.appEvents };
  let count = 0;
  for (const delivery of deliveries) {
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
