import { buildDeadLetter } from '../core/dead-letter.ts';
import { KeytrailError, toKeytrailError } from '../core/errors.ts';
import type { Bus, Clock, OutgoingMessage, TopicNames } from '../core/ports.ts';
import type { ReadItem } from './read-json.ts';
import type { IngestSource, NormaliseResult } from './source.ts';
import type { IngestState, PendingChange } from './state.ts';

export interface IngestDeps {
  bus: Bus;
  topics: TopicNames;
  clock: Clock;
  state: IngestState;
  batchSize?: number;
}

/** Per-input counts: read = published + deadLettered + filtered + duplicates + merged. */
export interface IngestCounts {
  read: number;
  published: number;
  deadLettered: number;
  filtered: number;
  duplicates: number;
  /** Records folded into another record's event (a Vault request entry into its response's event). */
  merged: number;
  /** Dead-lettered records per error code. */
  deadLetterCodes: Record<string, number>;
}

export function emptyCounts(): IngestCounts {
  return { read: 0, published: 0, deadLettered: 0, filtered: 0, duplicates: 0, merged: 0, deadLetterCodes: {} };
}

/** What became of one added item; an event's fate (published or duplicate) is known after the flush. */
export type AddOutcome =
  | { kind: 'event'; dedupKey: string }
  | { kind: 'dead-letter'; error: KeytrailError }
  | { kind: 'filtered'; reason: string };

export interface FlushResult {
  /** For each event added since the previous flush, in order: published now, or dropped as a duplicate. */
  events: { dedupKey: string; status: 'published' | 'duplicate' }[];
}

export interface BatchPublisher {
  /** Normalises one read item into the pending batch (or dead-letters it). Never throws for bad input. */
  add(item: ReadItem): AddOutcome;
  readonly pending: number;
  /**
   * Publishes the pending batch durably, then records its ids, the cursor and the parked records (if any)
   * as done, in one transaction.
   */
  flush(cursor?: { source: string; value: string }, pending?: PendingChange): Promise<FlushResult>;
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

  const deadLetter = (error: KeytrailError, raw: Buffer, position: string): AddOutcome => {
    const letter = buildDeadLetter(error, raw, { stage: `ingest/${source.name}`, source: label, position }, deps.clock.now());
    deadLetters.push({ key: `${source.name}:${label}`, value: Buffer.from(JSON.stringify(letter), 'utf8') });
    counts.deadLetterCodes[error.code] = (counts.deadLetterCodes[error.code] ?? 0) + 1;
    return { kind: 'dead-letter', error };
  };

  return {
    add(item) {
      const records = Math.max(1, item.records ?? 1);
      counts.read += records;
      counts.merged += records - 1;
      if (!item.ok) return deadLetter(item.error, item.raw, item.position);
      const outcome = normaliseItem(source, item.value, label, deps.clock.now());
      if (outcome instanceof KeytrailError) return deadLetter(outcome, item.raw, item.position);
      if (outcome.kind === 'filtered') {
        counts.filtered += 1;
        return outcome;
      }
      events.push({ message: outcome.message, dedupKey: outcome.dedupKey });
      return { kind: 'event', dedupKey: outcome.dedupKey };
    },
    get pending() {
      return events.length + deadLetters.length;
    },
    async flush(cursor, pending) {
      const seen = deps.state.alreadySeen(source.namespace, events.map((event) => event.dedupKey));
      const fresh = new Map<string, OutgoingMessage>();
      const results: FlushResult['events'] = [];
      for (const event of events) {
        const duplicate = seen.has(event.dedupKey) || fresh.has(event.dedupKey);
        if (!duplicate) fresh.set(event.dedupKey, event.message);
        results.push({ dedupKey: event.dedupKey, status: duplicate ? 'duplicate' : 'published' });
      }
      await deps.bus.publish(topic, [...fresh.values()]);
      await deps.bus.publish(deps.topics.deadLetter, deadLetters);
      deps.state.commit({ namespace: source.namespace, keys: [...fresh.keys()], cursor, pending }, deps.clock.now().getTime());
      // Counted only once durable: a flush that fails keeps its batch and can be retried without double counts.
      counts.published += fresh.size;
      counts.duplicates += events.length - fresh.size;
      counts.deadLettered += deadLetters.length;
      events = [];
      deadLetters = [];
      return { events: results };
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
