import type { z } from 'zod';
import { buildDeadLetter } from '../core/dead-letter.ts';
import { KeytrailError } from '../core/errors.ts';
import type { Bus, BusMessage, Clock, OutgoingMessage, TopicNames } from '../core/ports.ts';
import { HEADER_SCHEMA_VERSION } from '../core/ports.ts';
import { canonicalBytes } from '../core/canonical-json.ts';
import { schemaError } from '../core/schema-error.ts';
import { IngestedAppEvent } from '../core/schemas/app-event.ts';
import { KmsEvent } from '../core/schemas/kms-event.ts';
import type { AttributedRecord } from '../core/schemas/record.ts';
import { closeAllWindows, joinAppEvent, joinKmsEvent, type JoinCounts } from './join.ts';
import type { JoinState } from './state.ts';

export const CORRELATE_GROUP = 'keytrail-correlate';

export interface CorrelatorDeps {
  bus: Bus;
  topics: TopicNames;
  state: JoinState;
  clock: Clock;
}

export interface CorrelatorCounts extends JoinCounts {
  kmsEvents: number;
  appEvents: number;
  records: number;
  deadLettered: number;
}

export interface Correlator {
  readonly counts: CorrelatorCounts;
  /** Consumes both events topics until drained (backfill) or aborted (streaming). */
  run(options: { untilIdle: boolean; signal?: AbortSignal }): Promise<void>;
  /** End of input: every open window closes now (the --once mode). */
  closeAll(reason: string): Promise<void>;
}

/**
 * Reads kms.events and app.events, joins them, and publishes records. For each batch the state change
 * stays open in SQLite until the records are published; only then is it committed, and only then are
 * the bus offsets committed. A crash anywhere replays the batch, which reproduces the same record ids.
 */
export function createCorrelator(deps: CorrelatorDeps): Correlator {
  const counts: CorrelatorCounts = { kmsEvents: 0, appEvents: 0, records: 0, duplicates: 0, deadLettered: 0 };

  async function withinTransaction(produce: () => { records: AttributedRecord[]; deadLetters: OutgoingMessage[] }): Promise<void> {
    deps.state.begin();
    try {
      const { records, deadLetters } = produce();
      await deps.bus.publish(deps.topics.records, records.map(toMessage));
      await deps.bus.publish(deps.topics.deadLetter, deadLetters);
      deps.state.commit();
      counts.records += records.length;
      counts.deadLettered += deadLetters.length;
    } catch (error) {
      deps.state.rollback();
      throw error;
    }
  }

  function apply(batch: readonly BusMessage[]): { records: AttributedRecord[]; deadLetters: OutgoingMessage[] } {
    const records: AttributedRecord[] = [];
    const deadLetters: OutgoingMessage[] = [];
    for (const message of batch) {
      try {
        records.push(...applyMessage(message));
      } catch (error) {
        if (!(error instanceof KeytrailError) || error.code !== 'CORRELATE_MESSAGE_INVALID') throw error;
        const letter = buildDeadLetter(error, message.value, { stage: 'correlate', source: message.topic, position: `${message.partition}:${message.offset}` }, deps.clock.now());
        deadLetters.push({ key: message.key, value: Buffer.from(JSON.stringify(letter), 'utf8') });
      }
    }
    return { records, deadLetters };
  }

  function applyMessage(message: BusMessage): AttributedRecord[] {
    if (message.topic === deps.topics.kmsEvents) {
      counts.kmsEvents += 1;
      return joinKmsEvent(parseMessage(KmsEvent, message), deps.state, counts);
    }
    counts.appEvents += 1;
    return joinAppEvent(parseMessage(IngestedAppEvent, message), deps.state, counts);
  }

  return {
    counts,
    run: (options) =>
      deps.bus.consume({
        group: CORRELATE_GROUP,
        topics: [deps.topics.kmsEvents, deps.topics.appEvents],
        untilIdle: options.untilIdle,
        signal: options.signal,
        handleBatch: (batch) => withinTransaction(() => apply(batch)),
      }),
    closeAll: (reason) => withinTransaction(() => ({ records: closeAllWindows(deps.state, reason), deadLetters: [] })),
  };
}

function parseMessage<T>(schema: z.ZodType<T>, message: BusMessage): T {
  let value: unknown;
  try {
    value = JSON.parse(message.value.toString('utf8'));
  } catch {
    throw new KeytrailError('CORRELATE_MESSAGE_INVALID', `message ${message.partition}:${message.offset} on ${message.topic} is not JSON`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw schemaError('CORRELATE_MESSAGE_INVALID', `message on ${message.topic} does not match its schema`, parsed.error);
  return parsed.data;
}

function toMessage(record: AttributedRecord): OutgoingMessage {
  return { key: record.id, value: canonicalBytes(record), headers: { [HEADER_SCHEMA_VERSION]: '1' } };
}
