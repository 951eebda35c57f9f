import type Database from 'better-sqlite3';
import type { OutgoingMessage } from '../core/ports.ts';

export interface OutboxEntry {
  seq: number;
  topic: string;
  message: OutgoingMessage;
}

/**
 * Messages written in the same transaction as the state change that produced them (the transactional
 * outbox pattern), then published and removed by the instance that wrote them. A crash after the
 * commit leaves them here: the same instance publishes them when it starts again, and any other
 * instance sharing the state takes them over once the writer's heartbeat is older than the lease.
 * The records carry deterministic ids, so the sealer drops any repeat.
 */
export interface Outbox {
  append(owner: string, topic: string, message: OutgoingMessage): void;
  /** The owner's entries after `afterSeq`, in order, at most `limit`. */
  list(owner: string, afterSeq: number, limit: number): OutboxEntry[];
  remove(owner: string, throughSeq: number): void;
  heartbeat(owner: string, wallMs: number): void;
  /** Moves to `owner` the entries of instances whose last heartbeat is before `staleBeforeMs`. */
  takeOver(owner: string, staleBeforeMs: number): number;
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
    append: db.prepare('INSERT INTO outbox (owner, topic, key, value, headers) VALUES (?, ?, ?, ?, ?)'),
    list: db.prepare<[string, number, number], OutboxRow>('SELECT seq, topic, key, value, headers FROM outbox WHERE owner = ? AND seq > ? ORDER BY seq LIMIT ?'),
    remove: db.prepare('DELETE FROM outbox WHERE owner = ? AND seq <= ?'),
    heartbeat: db.prepare('INSERT OR REPLACE INTO instances (id, heartbeat_wall_ms) VALUES (?, ?)'),
    takeOver: db.prepare(
      `UPDATE outbox SET owner = ? WHERE owner != ? AND owner NOT IN (SELECT id FROM instances WHERE heartbeat_wall_ms >= ?)`,
    ),
  };
  return {
    append: (owner, topic, message) => run(() => void sql.append.run(owner, topic, message.key, message.value, JSON.stringify(message.headers ?? {}))),
    list: (owner, afterSeq, limit) =>
      run(() =>
        sql.list.all(owner, afterSeq, limit).map((row) => ({
          seq: row.seq,
          topic: row.topic,
          message: { key: row.key, value: row.value, headers: JSON.parse(row.headers) as Record<string, string> },
        })),
      ),
    remove: (owner, throughSeq) => run(() => void sql.remove.run(owner, throughSeq)),
    heartbeat: (owner, wallMs) => run(() => void sql.heartbeat.run(owner, wallMs)),
    takeOver: (owner, staleBeforeMs) => run(() => sql.takeOver.run(owner, owner, staleBeforeMs).changes),
  };
}
