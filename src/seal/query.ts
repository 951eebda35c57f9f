import type { ChainReader } from '../core/ports.ts';
import type { Entry } from '../core/schemas/entry.ts';
import type { AttributedRecord, RecordKind } from '../core/schemas/record.ts';

export interface RecordFilter {
  userId?: string;
  /** A KMS key as the provider or the application names it (ARN, alias, resource name). */
  keyId?: string;
  kind?: RecordKind;
  /** Event time bounds: since inclusive, until exclusive. */
  since?: Date;
  until?: Date;
}

export interface SealedRecord {
  seq: number;
  hash: string;
  record: AttributedRecord;
}

/**
 * Sealed records matching `filter`, in seq order, streamed from the chain store. The filter reads the
 * record inside each entry; the seq and chain hash let a reader prove each result (keytrail prove).
 */
export function* querySealedRecords(reader: ChainReader, filter: RecordFilter): Generator<SealedRecord> {
  for (const row of reader.entries(0)) {
    const { record } = JSON.parse(row.bytes.toString('utf8')) as Entry;
    if (matches(record, filter)) yield { seq: row.seq, hash: row.hash.toString('hex'), record };
  }
}

function matches(record: AttributedRecord, filter: RecordFilter): boolean {
  if (filter.kind !== undefined && record.kind !== filter.kind) return false;
  if (filter.userId !== undefined && record.user?.id !== filter.userId) return false;
  if (filter.keyId !== undefined && ![record.keyId, record.kmsEvent?.keyId, record.appEvent?.event.keyId].includes(filter.keyId)) return false;
  const time = Date.parse(record.eventTime);
  if (filter.since !== undefined && time < filter.since.getTime()) return false;
  if (filter.until !== undefined && time >= filter.until.getTime()) return false;
  return true;
}
