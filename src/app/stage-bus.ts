import type { Bus, BusMessage, TopicPartition } from '../core/ports.ts';

export interface StageBusOptions {
  /** Consumer groups are named after the topic prefix too, so two pipelines on one cluster never share a group. */
  groupPrefix: string;
  /** Called after each batch the stage handled (its durable write is done; the commit follows). */
  onBatch?(batch: readonly BusMessage[]): void;
  /** Called when the stage's partitions change (joining its group, a rebalance). */
  onAssignment?(partitions: readonly TopicPartition[]): void;
}

/** The bus as one stage sees it: its groups prefixed, its batches observed for logs and progress. */
export function createStageBus(bus: Bus, options: StageBusOptions): Bus {
  return {
    publish: (topic, messages) => bus.publish(topic, messages),
    consume: (consume) =>
      bus.consume({
        ...consume,
        group: `${options.groupPrefix}${consume.group}`,
        onAssignment: (partitions) => {
          options.onAssignment?.(partitions);
          consume.onAssignment?.(partitions);
        },
        handleBatch: async (batch) => {
          await consume.handleBatch(batch);
          options.onBatch?.(batch);
        },
      }),
    close: () => bus.close(),
  };
}
