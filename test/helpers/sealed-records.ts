import Database from 'better-sqlite3';
import { dataDirPath } from '../../src/core/data-dir.ts';
import type { AttributedRecord } from '../../src/core/schemas/record.ts';

export type SealedRecord = AttributedRecord;

/** The records of a data directory's chain, in seq order, read from the entries as sealed. */
export function readSealedRecords(dataDir: string): SealedRecord[] {
  const db = new Database(dataDirPath(dataDir, 'chain'), { readonly: true });
  try {
    return db
      .prepare<[], { bytes: Buffer }>('SELECT bytes FROM entries ORDER BY seq')
      .all()
      .map((row) => (JSON.parse(row.bytes.toString('utf8')) as { record: SealedRecord }).record);
  } finally {
    db.close();
  }
}
