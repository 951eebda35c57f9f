import { join } from 'node:path';
import { createSqliteBus } from '../../src/bus/sqlite-bus.ts';
import { createTopicNames } from '../../src/bus/topics.ts';
import type { DeadLetter } from '../../src/core/dead-letter.ts';
import type { Bus, Clock, TopicNames } from '../../src/core/ports.ts';
import type { KmsEvent } from '../../src/core/schemas/kms-event.ts';
import type { IngestDeps } from '../../src/ingest/publisher.ts';
import { openIngestState, type IngestState } from '../../src/ingest/state.ts';

export interface IngestHarness {
  deps: IngestDeps;
  bus: Bus;
  topics: TopicNames;
  state: IngestState;
  clock: Clock & { set(iso: string): void };
  kmsEvents(): Promise<KmsEvent[]>;
  deadLetters(): Promise<DeadLetter[]>;
  /** Reopens the ingest state, as a restarted process would. */
  reopenState(): IngestState;
  close(): Promise<void>;
}

/** A real embedded bus and ingest state in a temp directory, and a clock the test moves. */
export function createIngestHarness(directory: string, startIso: string): IngestHarness {
  const bus = createSqliteBus({ path: join(directory, 'bus.db') });
  const topics = createTopicNames();
  let state = openIngestState(join(directory, 'ingest.db'));
  let now = Date.parse(startIso);
  const clock = { now: () => new Date(now), set: (iso: string) => void (now = Date.parse(iso)) };
  const deps: IngestDeps = { bus, topics, clock, state };
  let group = 0;
  const read = async <T>(topic: string): Promise<T[]> => {
    const out: T[] = [];
    group += 1;
    await bus.consume({ group: `test-reader-${group}`, topics: [topic], untilIdle: true, handleBatch: async (batch) => void out.push(...batch.map((message) => JSON.parse(message.value.toString('utf8')) as T)) });
    return out;
  };
  return {
    deps,
    bus,
    topics,
    get state() {
      return state;
    },
    clock,
    kmsEvents: () => read<KmsEvent>(topics.kmsEvents),
    deadLetters: () => read<DeadLetter>(topics.deadLetter),
    reopenState: () => {
      state.close();
      state = openIngestState(join(directory, 'ingest.db'));
      deps.state = state;
      return state;
    },
    close: async () => {
      state.close();
      await bus.close();
    },
  };
}
