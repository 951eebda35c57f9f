import type { Bus, TopicNames } from '../../src/core/ports.ts';
import type { AttributedRecord } from '../../src/core/schemas/record.ts';
import type { CorrelateConfig } from '../../src/correlate/config.ts';
import { createCorrelator } from '../../src/correlate/correlator.ts';
import { openJoinState } from '../../src/correlate/state.ts';
import { FIXED_CLOCK } from './run-once.ts';
import { readRecords } from './pipeline.ts';

export interface InstancesOptions {
  /** The bus the records are read from once every instance is done. */
  readerBus: Bus;
  topics: TopicNames;
  instances: number;
  /** Each instance's bus client: for Kafka a client in the shared consumer group, for the embedded bus a partition-assigned view. */
  busFor(instance: number): Bus;
  /** Each instance's state file; the same path for all is allowed (rows are scoped by partition). */
  statePathFor(instance: number): string;
  config: CorrelateConfig;
}

/**
 * Runs N correlator instances side by side over topics already filled, in backfill mode: all consume
 * until drained, then every window closes (once per state file), then the records are read back.
 */
export async function runCorrelatorInstances(options: InstancesOptions): Promise<AttributedRecord[]> {
  const members = Array.from({ length: options.instances }, (_, index) => {
    const state = openJoinState(options.statePathFor(index));
    const bus = options.busFor(index);
    return { state, bus, correlator: createCorrelator({ bus, topics: options.topics, state, clock: FIXED_CLOCK, config: options.config, instanceId: `instance-${index}` }), path: options.statePathFor(index) };
  });
  try {
    await Promise.all(members.map((member) => member.correlator.run({ untilIdle: true })));
    const closed = new Set<string>();
    for (const member of members) {
      if (closed.has(member.path)) continue;
      closed.add(member.path);
      await member.correlator.closeAll();
    }
    return await readRecords(options.readerBus, options.topics);
  } finally {
    for (const member of members) member.state.close();
  }
}

/**
 * A view of the embedded bus that consumes only some partitions, as a member of a Kafka consumer group
 * would after assignment. The embedded bus has no group membership, so each view keeps its own offsets.
 */
export function assignPartitions(bus: Bus, partitions: readonly number[], member: string): Bus {
  const mine = new Set(partitions);
  return {
    publish: (topic, messages) => bus.publish(topic, messages),
    consume: (options) =>
      bus.consume({
        ...options,
        group: `${options.group}/${member}`,
        handleBatch: async (batch) => {
          const owned = batch.filter((message) => mine.has(message.partition));
          if (owned.length > 0) await options.handleBatch(owned);
        },
      }),
    close: async () => undefined,
  };
}
