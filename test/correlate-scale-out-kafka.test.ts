import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { createKafkaBus, type KafkaBus } from '../src/bus/kafka-bus.ts';
import { createTopicNames, listTopics } from '../src/bus/topics.ts';
import { canonicalBytes } from '../src/core/canonical-json.ts';
import type { AttributedRecord } from '../src/core/schemas/record.ts';
import { runCorrelatorInstances } from './scenario/instances.ts';
import { publishDeliveries } from './scenario/pipeline.ts';
import { scoreRecords } from './scenario/score.ts';
import { useScenarioDeliveries } from './scenario/suite.ts';
import { useTempDirs } from './helpers/temp-dir.ts';

const tempDir = useTempDirs();
const PARTITIONS = 3;
const { config, truth, deliveries } = useScenarioDeliveries({ seed: 78, events: 6_000 });

/**
 * The scenario on a real broker: a fresh topic prefix with 3 partitions per topic, `instances` correlators
 * in one consumer group (each its own Kafka client), one shared state file so partitions that move in a
 * rebalance keep their windows.
 */
async function correlateOnKafka(instances: number): Promise<AttributedRecord[]> {
  const brokers = [inject('kafkaBrokers')];
  const directory = tempDir();
  const topics = createTopicNames({ prefix: `scale${randomUUID().slice(0, 8)}.` });
  const clients: KafkaBus[] = [];
  const client = (clientId: string): KafkaBus => {
    const bus = createKafkaBus({ brokers, partitions: PARTITIONS, clientId, idleQuietMs: 3_000, sessionTimeoutMs: 10_000 });
    clients.push(bus);
    return bus;
  };
  const admin = client('scale-out-admin');
  try {
    await admin.ensureTopics(listTopics(topics));
    await publishDeliveries(admin, topics, deliveries, 1_000);
    return await runCorrelatorInstances({
      readerBus: admin,
      topics,
      instances,
      config,
      busFor: (index) => client(`correlator-${index}`),
      statePathFor: () => join(directory, 'correlate.db'),
    });
  } finally {
    for (const bus of clients) await bus.close();
  }
}

const canonical = (records: AttributedRecord[]): string[] => [...new Set(records.map((record) => canonicalBytes(record).toString('utf8')))].sort();

describe('correlator scale-out on Kafka', () => {
  it('produces the same records with three instances on three partitions as with one, on a real broker', { timeout: 600_000 }, async () => {
    const single = await correlateOnKafka(1);
    const three = await correlateOnKafka(3);
    expect(single.length).toBeGreaterThan(2_000);
    expect(canonical(three)).toEqual(canonical(single));
    const report = scoreRecords(single, truth);
    expect([report.precisionViolations, report.recallMisses, report.ownershipViolations]).toEqual([[], [], []]);
  });
});
