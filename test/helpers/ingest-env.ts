import { join } from 'node:path';
import { createSqliteBus } from '../../src/bus/sqlite-bus.ts';
import { createTopicNames } from '../../src/bus/topics.ts';
import { DeadLetter } from '../../src/core/dead-letter.ts';
import type { Bus, BusMessage, Clock, TopicNames } from '../../src/core/ports.ts';
import { KmsEvent } from '../../src/core/schemas/kms-event.ts';
import type { IngestDeps } from '../../src/ingest/publisher.ts';
import { openIngestState, type IngestState } from '../../src/ingest/state.ts';

/** A settable clock: tests move time explicitly. */
export function createTestClock(start = '2026-01-10T13:00:00.000Z'): Clock & { set(iso: string): void; advance(ms: number): void } {
  let now = new Date(start).getTime();
  return {
    now: () => new Date(now),
    set: (iso) => {
      now = new Date(iso).getTime();
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

export interface IngestEnv extends IngestDeps {
  bus: Bus;
  topics: TopicNames;
  state: IngestState;
  directory: string;
  close(): Promise<void>;
}

/** The real embedded bus and ingest state in a directory, as `keytrail run` opens them. */
export function openIngestEnv(directory: string, clock: Clock = createTestClock()): IngestEnv {
  const bus = createSqliteBus({ path: join(directory, 'bus.db') });
  const state = openIngestState(join(directory, 'ingest.db'));
  return {
    bus,
    topics: createTopicNames(),
    clock,
    state,
    directory,
    async close() {
      state.close();
      await bus.close();
    },
  };
}

/** Every message on a topic, read through the bus port with a fresh consumer group. */
export async function readTopic(bus: Bus, topic: string): Promise<BusMessage[]> {
  const messages: BusMessage[] = [];
  await bus.consume({
    group: `test-reader-${Math.random().toString(36).slice(2)}`,
    topics: [topic],
    untilIdle: true,
    handleBatch: async (batch) => {
      messages.push(...batch);
    },
  });
  return messages;
}

export async function readKmsEvents(env: { bus: Bus; topics: TopicNames }): Promise<KmsEvent[]> {
  return (await readTopic(env.bus, env.topics.kmsEvents)).map((message) => KmsEvent.parse(JSON.parse(message.value.toString('utf8'))));
}

export async function readDeadLetters(env: { bus: Bus; topics: TopicNames }): Promise<DeadLetter[]> {
  return (await readTopic(env.bus, env.topics.deadLetter)).map((message) => DeadLetter.parse(JSON.parse(message.value.toString('utf8'))));
}
