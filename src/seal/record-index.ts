import type Database from 'better-sqlite3';
import type { Entry } from '../core/schemas/entry.ts';
import type { AttributedRecord, RecordKind } from '../core/schemas/record.ts';

/**
 * What `keytrail query` filters on, per entry, kept beside the entries in chain.db (record_index and
 * record_keys) and written in the same transaction as the entry. It only narrows the search: every
 * candidate is re-read from the entry bytes and checked again, so an altered index can hide a record
 * from a query but never make one match that does not.
 */
export interface IndexRow {
  kind: RecordKind;
  userId: string | null;
  eventTimeMs: number;
  /** Every name of the KMS key in the record: the record's own, the provider's and the application's. */
  keyIds: string[];
}

export interface RecordFilter {
  userId?: string;
  /** A KMS key as the provider or the application names it (ARN, alias, resource name). */
  keyId?: string;
  kind?: RecordKind;
  /** Event time bounds: since inclusive, until exclusive. */
  since?: Date;
  until?: Date;
}

export function indexRow(record: AttributedRecord): IndexRow {
  const names = [record.keyId, record.kmsEvent?.keyId, record.appEvent?.event.keyId];
  return {
    kind: record.kind,
    userId: record.user?.id ?? null,
    eventTimeMs: Date.parse(record.eventTime),
    keyIds: [...new Set(names.filter((name): name is string => typeof name === 'string' && name.length > 0))],
  };
}

export function matchesFilter(row: IndexRow, filter: RecordFilter): boolean {
  if (filter.kind !== undefined && row.kind !== filter.kind) return false;
  if (filter.userId !== undefined && row.userId !== filter.userId) return false;
  if (filter.keyId !== undefined && !row.keyIds.includes(filter.keyId)) return false;
  if (filter.since !== undefined && row.eventTimeMs < filter.since.getTime()) return false;
  if (filter.until !== undefined && row.eventTimeMs >= filter.until.getTime()) return false;
  return true;
}

export interface IndexWriter {
  add(seq: number, row: IndexRow): void;
}

export function prepareIndexWriter(db: Database.Database): IndexWriter {
  const insertRow = db.prepare('INSERT INTO record_index (seq, kind, user_id, event_time_ms) VALUES (?, ?, ?, ?)');
  const insertKey = db.prepare('INSERT INTO record_keys (key_id, seq) VALUES (?, ?)');
  return {
    add(seq, row) {
      insertRow.run(seq, row.kind, row.userId, row.eventTimeMs);
      for (const keyId of row.keyIds) insertKey.run(keyId, seq);
    },
  };
}

/**
 * Indexes the entries a store holds without index rows: those sealed before chain.db had the index.
 * Entry and index rows are written together, so the missing ones are always a suffix of the log.
 * Returns how many entries it indexed.
 */
export function backfillIndex(db: Database.Database, writer: IndexWriter, batchSize = 10_000): number {
  const indexedTo = db.prepare<[], { next: number }>('SELECT COALESCE(MAX(seq) + 1, 0) AS next FROM record_index');
  const missing = db.prepare<[number, number], { seq: number; bytes: Buffer }>('SELECT seq, bytes FROM entries WHERE seq >= ? ORDER BY seq LIMIT ?');
  let indexed = 0;
  for (;;) {
    const rows = missing.all(indexedTo.get()!.next, batchSize);
    if (rows.length === 0) return indexed;
    db.transaction(() => {
      for (const { seq, bytes } of rows) writer.add(seq, indexRow((JSON.parse(bytes.toString('utf8')) as Entry).record));
    }).immediate();
    indexed += rows.length;
  }
}

export interface IndexReader {
  /** Seqs of the entries whose index rows match `filter`, ascending, from `afterSeq` on, at most `limit`. */
  candidates(filter: RecordFilter, afterSeq: number, limit: number): number[];
  /** The number of leading entries the index covers. */
  coveredSize(): number;
}

/** A reader over the index, or undefined when chain.db has none (a store no current sealer has opened). */
export function prepareIndexReader(db: Database.Database): IndexReader | undefined {
  const hasIndex = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM sqlite_schema WHERE type = 'table' AND name IN ('record_index', 'record_keys')").get()!.n === 2;
  if (!hasIndex) return undefined;
  const covered = db.prepare<[], { next: number }>('SELECT COALESCE(MAX(seq) + 1, 0) AS next FROM record_index');
  const statements = new Map<string, Database.Statement<unknown[], { seq: number }>>();
  return {
    coveredSize: () => covered.get()!.next,
    candidates(filter, afterSeq, limit) {
      const conditions = ['seq > ?'];
      const values: (string | number)[] = [afterSeq];
      if (filter.kind !== undefined) {
        conditions.push('kind = ?');
        values.push(filter.kind);
      }
      if (filter.userId !== undefined) {
        conditions.push('user_id = ?');
        values.push(filter.userId);
      }
      if (filter.since !== undefined) {
        conditions.push('event_time_ms >= ?');
        values.push(filter.since.getTime());
      }
      if (filter.until !== undefined) {
        conditions.push('event_time_ms < ?');
        values.push(filter.until.getTime());
      }
      if (filter.keyId !== undefined) {
        conditions.push('seq IN (SELECT seq FROM record_keys WHERE key_id = ?)');
        values.push(filter.keyId);
      }
      const sql = `SELECT seq FROM record_index WHERE ${conditions.join(' AND ')} ORDER BY seq LIMIT ?`;
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = db.prepare<unknown[], { seq: number }>(sql);
        statements.set(sql, statement);
      }
      return statement.all(...values, limit).map((row) => row.seq);
    },
  };
}
