import { buildDeadLetter } from '../core/dead-letter.ts';
import { KeytrailError, toKeytrailError } from '../core/errors.ts';
import type { Bus, Clock, OutgoingMessage, TopicNames } from '../core/ports.ts';
import type { ReadItem } from './read-json.ts';
import type { IngestSource, NormaliseResult } from './source.ts';
import type { IngestState } from './state.ts';

export interface IngestDeps {
  bus: Bus;
  topics: TopicNames;
  clock: Clock;
  state: IngestState;
  batchSize?: number;
}

/** Per-input counts: read = published + deadLettered + filtered + duplicates. */
export interface IngestCounts {
  read: number;
  published: number;
  deadLettered: number;
  filtered: number;
  duplicates: number;
  /** Dead-lettered records per error code. */
  deadLetterCodes: Record<string, number>;
}

export function emptyCounts(): IngestCounts {
  return { read: 0, published: 0, deadLettered: 0, filtered: 0, duplicates: 0, deadLetterCodes: {} };
}

export interface BatchPublisher {
  /** Normalises one read item into the pending batch (or dead-letters it). Never throws for bad input. */
  add(item: ReadItem): void;
  readonly pending: number;
  /** Publishes the pending batch durably, then records its ids (and the cursor, if any) as done. */
  flush(cursor?: { source: string; value: string }): Promise<void>;
}

/**
 * The one path from read items to the bus, shared by file and API inputs: normalise, drop duplicates by
 * native event id (within the batch and against what was already published), publish events and dead
 * letters, and only then commit the ids and the cursor.
 */
export function createBatchPublisher(source: IngestSource, label: string, deps: IngestDeps, counts: IngestCounts): BatchPublisher {
  const topic = source.stream === 'kms' ? deps.topics.kmsEvents : deps.topics.appEvents;
  let events: { message: OutgoingMessage; dedupKey: string }[] = [];
  let deadLetters: OutgoingMessage[] = [];

  const deadLetter = (error: KeytrailError, raw: Buffer, position: string): void => {
    const letter = buildDeadLetter(error, raw, { stage: `ingest/${source.name}`, source: label, position }, deps.clock.now());
    deadLetters.push({ key: `${source.name}:${label}`, value: Buffer.from(JSON.stringify(letter), 'utf8') });
    counts.deadLetterCodes[error.code] = (counts.deadLetterCodes[error.code] ?? 0) + 1;
  };

  return {
    add(item) {
      counts.read += 1;
      if (!item.ok) return deadLetter(item.error, item.raw, item.position);
      const outcome = normaliseItem(source, item.value, label, deps.clock.now());
      if (outcome instanceof KeytrailError) deadLetter(outcome, item.raw, item.position);
      else if (outcome.kind === 'filtered') counts.filtered += 1;
      else events.push({ message: outcome.message, dedupKey: outcome.dedupKey });
    },
    get pending() {
      return events.length + deadLetters.length;
    },
    async flush(cursor) {
      const seen = deps.state.alreadySeen(source.namespace, events.map((event) => event.dedupKey));
      const fresh = new Map<string, OutgoingMessage>();
      for (const event of events) {
        if (seen.has(event.dedupKey) || fresh.has(event.dedupKey)) counts.duplicates += 1;
        else fresh.set(event.dedupKey, event.message);
      }
      await deps.bus.publish(topic, [...fresh.values()]);
      await deps.bus.publish(deps.topics.deadLetter, deadLetters);
      deps.state.commit({ namespace: source.namespace, keys: [...fresh.keys()], cursor }, deps.clock.now().getTime());
      counts.published += fresh.size;
      counts.deadLettered += deadLetters.length;
      events = [];
      deadLetters = [];
    },
  };
}

/** Nothing a normaliser throws escapes: coded errors keep their code, anything else is a bug, dead-lettered too. */
function normaliseItem(source: IngestSource, value: unknown, label: string, ingestTime: Date): NormaliseResult | KeytrailError {
  try {
    return source.normalise(value, { source: label, ingestTime });
  } catch (error) {
    return toKeytrailError(error, 'INGEST_NORMALISER_FAILED', `normalising a ${source.name} record`);
  }
}
