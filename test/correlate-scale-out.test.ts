import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSqliteBus } from '../src/bus/sqlite-bus.ts';
import { createTopicNames } from '../src/bus/topics.ts';
import { canonicalBytes } from '../src/core/canonical-json.ts';
import type { AttributedRecord } from '../src/core/schemas/record.ts';
import { assignPartitions, runCorrelatorInstances } from './scenario/instances.ts';
import { publishDeliveries } from './scenario/pipeline.ts';
import { scoreRecords } from './scenario/score.ts';
import { useScenarioDeliveries } from './scenario/suite.ts';
import { useTempDirs } from './helpers/temp-dir.ts';

const tempDir = useTempDirs();
const PARTITIONS = 3;
const { config, truth, deliveries } = useScenarioDeliveries({ seed: 77, events: 15_000 });

/** Publishes the scenario to a fresh 3-partition embedded bus and runs `instances` correlators on it. */
async function correlate(instances: number, sharedState: boolean): Promise<AttributedRecord[]> {
  const directory = tempDir();
  const bus = createSqliteBus({ path: join(directory, 'bus.db'), partitions: PARTITIONS, maxBatchMessages: 2_000 });
  const topics = createTopicNames();
  try {
    await publishDeliveries(bus, topics, deliveries, 2_000);
    return await runCorrelatorInstances({
      readerBus: bus,
      topics,
      instances,
      config,
      busFor: (index) => assignPartitions(bus, Array.from({ length: PARTITIONS }, (_, p) => p).filter((p) => p % instances === index), `instance-${index}`),
      statePathFor: (index) => join(directory, sharedState ? 'correlate.db' : `correlate-${index}.db`),
    });
  } finally {
    await bus.close();
  }
}

const byId = (records: AttributedRecord[]): string[] => records.map((record) => canonicalBytes(record).toString('utf8')).sort();

describe('correlator scale-out', () => {
  it('produces exactly the same records with three instances on three partitions as with one instance', { timeout: 300_000 }, async () => {
    const single = await correlate(1, false);
    const separate = await correlate(3, false);
    const shared = await correlate(3, true);
    expect(single.length).toBeGreaterThan(5_000);
    expect(new Set(single.map((record) => record.id)).size).toBe(single.length);
    expect(byId(separate)).toEqual(byId(single));
    expect(byId(shared)).toEqual(byId(single));
    const report = scoreRecords(single, truth);
    expect([report.precisionViolations, report.recallMisses, report.ownershipViolations]).toEqual([[], [], []]);
    expect(report.kinds.correction ?? 0).toBeGreaterThan(0);
  });
});
