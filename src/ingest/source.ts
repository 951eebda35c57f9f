import type { OutgoingMessage } from '../core/ports.ts';
import type { ReadItem } from './read-json.ts';

/** Which events topic a source feeds. */
export type EventStream = 'kms' | 'app';

export interface NormaliseContext {
  source: string;
  ingestTime: Date;
}

/**
 * A normalised event ready for the bus (`dedupKey` is the native event id used to drop duplicates), or
 * a record that is valid but out of scope (a CloudTrail record of another AWS service), which is counted.
 */
export type NormaliseResult = { kind: 'event'; message: OutgoingMessage; dedupKey: string } | { kind: 'filtered'; reason: string };

/** An input kind (`aws`, `app`, ...): how to read its files and how to normalise one record. */
export interface IngestSource {
  name: string;
  stream: EventStream;
  /** Duplicates are detected per namespace: the provider (`aws`, ...) or `app`, whichever path delivered them. */
  namespace: string;
  readFile(path: string): AsyncIterable<ReadItem>;
  /** Throws a KeytrailError with a code when the record cannot be normalised. */
  normalise(value: unknown, context: NormaliseContext): NormaliseResult;
}
