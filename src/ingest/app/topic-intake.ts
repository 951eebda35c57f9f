import { KeytrailError } from '../../core/errors.ts';
import type { Bus, BusMessage } from '../../core/ports.ts';
import { createBatchPublisher, emptyCounts, type IngestCounts, type IngestDeps } from '../publisher.ts';
import { splitAppEventBody } from './body.ts';
import { AppTopicIntakeConfig } from './config.ts';
import { appEventSource } from './source.ts';

export interface AppTopicIntake {
  /** Consumes until idle (backfill) or until the signal aborts (streaming). */
  run(options: { untilIdle?: boolean; signal?: AbortSignal }): Promise<void>;
  readonly counts: IngestCounts;
}

/**
 * App events that applications publish to a topic of their own (one event, a JSON array, or NDJSON per
 * message). Consumed through the bus port, so it works on Kafka and on the embedded bus alike: a batch's
 * offsets are committed only after its events and dead letters are durable, and a redelivered batch is
 * recognised by eventId.
 */
export function createAppTopicIntake(input: AppTopicIntakeConfig, deps: IngestDeps & { source?: Bus }): AppTopicIntake {
  const config = AppTopicIntakeConfig.parse(input);
  const counts = emptyCounts();
  const source = deps.source ?? deps.bus;
  const label = `topic:${config.topic}`;

  async function handleBatch(batch: readonly BusMessage[]): Promise<void> {
    const publisher = createBatchPublisher(appEventSource, label, deps, counts);
    for (const message of batch) {
      const at = `${label}/${message.partition}@${message.offset}`;
      const items = splitAppEventBody(message.value, at);
      // An empty message (a tombstone, a producer bug) is input too: it is dead-lettered, never skipped.
      if (items.length === 0) publisher.add({ ok: false, error: new KeytrailError('INGEST_APP_EVENT_INVALID', `${at} holds no app event`), raw: message.value, position: at });
      for (const { item } of items) publisher.add(item);
    }
    await publisher.flush();
  }

  return {
    run: (options) => source.consume({ group: config.group, topics: [config.topic], maxBatchMessages: config.maxBatchMessages, handleBatch, ...options }),
    counts,
  };
}
