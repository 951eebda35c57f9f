import type { ChainEntry, ChainReader } from '../core/ports.ts';
import type { Entry } from '../core/schemas/entry.ts';
import type { AttributedRecord } from '../core/schemas/record.ts';
import { indexRow, matchesFilter, type IndexReader, type RecordFilter } from './record-index.ts';

export type { RecordFilter } from './record-index.ts';

export interface SealedRecord {
  seq: number;
  hash: string;
  record: AttributedRecord;
}

const PAGE = 1000;

/**
 * Sealed records matching `filter`, in seq order, streamed from the chain store; the seq and chain hash
 * let a reader prove each result (keytrail prove). With an index, only the entries it names are read,
 * then the entries past the index (a store sealed before it had one); without one, or with no filter,
 * every entry is read. Either way each result is checked against its own entry bytes.
 */
export function* querySealedRecords(reader: ChainReader, filter: RecordFilter, index?: IndexReader): Generator<SealedRecord> {
  const filtered = Object.values(filter).some((value) => value !== undefined);
  let scanFrom = 0;
  if (index !== undefined && filtered) {
    // Entries sealed while the query runs are read by the scan below, not through the index.
    scanFrom = index.coveredSize();
    for (let after = -1; ; ) {
      const seqs = index.candidates(filter, after, PAGE).filter((seq) => seq < scanFrom);
      for (const seq of seqs) {
        for (const row of reader.entries(seq, seq + 1)) {
          const found = check(row, filter);
          if (found !== undefined) yield found;
        }
      }
      if (seqs.length < PAGE) break;
      after = seqs.at(-1)!;
    }
  }
  for (const row of reader.entries(scanFrom)) {
    const found = check(row, filter);
    if (found !== undefined) yield found;
  }
}

function check(row: ChainEntry, filter: RecordFilter): SealedRecord | undefined {
  const { record } = JSON.parse(row.bytes.toString('utf8')) as Entry;
  return matchesFilter(indexRow(record), filter) ? { seq: row.seq, hash: row.hash.toString('hex'), record } : undefined;
}
