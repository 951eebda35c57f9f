import { readFile } from 'node:fs/promises';
import { buildDeadLetter } from '../core/dead-letter.ts';
import { KeytrailError, toKeytrailError } from '../core/errors.ts';
import type { Bus, Clock, OutgoingMessage, TopicNames } from '../core/ports.ts';
import type { IngestSource, NormaliseResult } from './source.ts';

export interface IngestDeps {
  bus: Bus;
  topics: TopicNames;
  clock: Clock;
  batchSize?: number;
}

/** Per-file counts: read = published + deadLettered + filtered. */
export interface IngestCounts {
  read: number;
  published: number;
  deadLettered: number;
  filtered: number;
  /** Dead-lettered records per error code. */
  deadLetterCodes: Record<string, number>;
}

const STAGE = 'ingest';

/**
 * Reads one file of a source and publishes every record: normalised events to their topic, anything
 * that cannot be read or normalised to dead-letter with its code, position and bytes. Batches are
 * published in order and each publish is durable before the next read, so a crash loses nothing that
 * was reported as published.
 */
export async function ingestFile(source: IngestSource, path: string, deps: IngestDeps): Promise<IngestCounts> {
  const counts: IngestCounts = { read: 0, published: 0, deadLettered: 0, filtered: 0, deadLetterCodes: {} };
  const topic = source.stream === 'kms' ? deps.topics.kmsEvents : deps.topics.appEvents;
  const batchSize = deps.batchSize ?? 500;
  let events: OutgoingMessage[] = [];
  let deadLetters: OutgoingMessage[] = [];
  const flush = async (): Promise<void> => {
    await deps.bus.publish(topic, events);
    await deps.bus.publish(deps.topics.deadLetter, deadLetters);
    counts.published += events.length;
    counts.deadLettered += deadLetters.length;
    events = [];
    deadLetters = [];
  };
  const deadLetter = (error: KeytrailError, raw: Buffer, position: string): void => {
    const letter = buildDeadLetter(error, raw, { stage: `${STAGE}/${source.name}`, source: path, position }, deps.clock.now());
    deadLetters.push({ key: `${source.name}:${path}`, value: Buffer.from(JSON.stringify(letter), 'utf8') });
    counts.deadLetterCodes[error.code] = (counts.deadLetterCodes[error.code] ?? 0) + 1;
  };

  try {
    for await (const item of source.readFile(path)) {
      counts.read += 1;
      if (!item.ok) deadLetter(item.error, item.raw, item.position);
      else {
        const outcome = normaliseItem(source, item.value, path, deps.clock.now());
        if (outcome instanceof KeytrailError) deadLetter(outcome, item.raw, item.position);
        else if (outcome.kind === 'filtered') counts.filtered += 1;
        else events.push(outcome.message);
      }
      if (events.length + deadLetters.length >= batchSize) await flush();
    }
  } catch (error) {
    if (!(error instanceof KeytrailError) || error.code !== 'INGEST_FILE_NOT_JSON') throw error;
    // The rest of the file cannot be read (corrupt gzip): keep the whole file's bytes with the reason.
    counts.read += 1;
    deadLetter(error, await readFile(path), `${path}:after-line-${String(error.details.linesRead ?? 0)}`);
  }
  await flush();
  return counts;
}

/** Nothing a normaliser throws escapes: coded errors keep their code, anything else is a bug, dead-lettered too. */
function normaliseItem(source: IngestSource, value: unknown, path: string, ingestTime: Date): NormaliseResult | KeytrailError {
  try {
    return source.normalise(value, { source: path, ingestTime });
  } catch (error) {
    return toKeytrailError(error, 'INGEST_NORMALISER_FAILED', `normalising a ${source.name} record`);
  }
}
