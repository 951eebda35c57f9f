import type Database from 'better-sqlite3';
import type { OutgoingMessage } from '../core/ports.ts';

export interface OutboxEntry {
  seq: number;
  topic: string;
  message: OutgoingMessage;
}

/**
 * Messages written in the same transaction as the state change that produced them (the transactional
 * outbox pattern), then published and removed. A crash after the commit leaves them here, and the next
 * start publishes them again; the records carry deterministic ids, so the sealer drops any repeat.
 */
export interface Outbox {
  append(topic: string, message: OutgoingMessage): number;
  /** Entries after `afterSeq` in order, at most `limit`. */
  list(afterSeq: number, limit: number): OutboxEntry[];
  remove(fromSeq: number, toSeq: number): void;
}

interface OutboxRow {
  seq: number;
  topic: string;
  key: string;
  value: Buffer;
  headers: string;
}

export function createOutbox(db: Database.Database, run: <T>(action: () => T) => T): Outbox {
  const sql = {
    append: db.prepare('INSERT INTO outbox (topic, key, value, headers) VALUES (?, ?, ?, ?)'),
    list: db.prepare<[number, number], OutboxRow>('SELECT seq, topic, key, value, headers FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?'),
    remove: db.prepare('DELETE FROM outbox WHERE seq BETWEEN ? AND ?'),
  };
  return {
    append: (topic, message) => run(() => Number(sql.append.run(topic, message.key, message.value, JSON.stringify(message.headers ?? {})).lastInsertRowid)),
    list: (afterSeq, limit) =>
      run(() =>
        sql.list.all(afterSeq, limit).map((row) => ({
          seq: row.seq,
          topic: row.topic,
          message: { key: row.key, value: row.value, headers: JSON.parse(row.headers) as Record<string, string> },
        })),
      ),
    remove: (fromSeq, toSeq) => run(() => sql.remove.run(fromSeq, toSeq)),
  };
}
