import Database from 'better-sqlite3';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { KeytrailError, toKeytrailError } from '../core/errors.ts';
import type { Bus, BusMessage, ConsumeOptions, OutgoingMessage } from '../core/ports.ts';
import { partitionForKey } from './partition.ts';

export const SqliteBusConfig = z.strictObject({
  path: z.string().min(1),
  partitions: z.int().min(1).max(1024).default(1),
  pollIntervalMs: z.int().min(1).default(200),
  maxBatchMessages: z.int().min(1).default(500),
});
export type SqliteBusConfig = z.input<typeof SqliteBusConfig>;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS messages (
  topic TEXT NOT NULL, partition INTEGER NOT NULL, offset INTEGER NOT NULL,
  key TEXT NOT NULL, value BLOB NOT NULL, headers TEXT NOT NULL,
  PRIMARY KEY (topic, partition, offset)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS group_offsets (
  grp TEXT NOT NULL, topic TEXT NOT NULL, partition INTEGER NOT NULL, next_offset INTEGER NOT NULL,
  PRIMARY KEY (grp, topic, partition)) WITHOUT ROWID;
`;

interface MessageRow {
  partition: number;
  offset: number;
  key: string;
  value: Buffer;
  headers: string;
}

/**
 * The embedded bus: durable topics in one SQLite file (WAL, synchronous=FULL), partitioned by key with
 * Kafka's partitioner, with per-group committed offsets. A batch is committed only after its handler
 * resolved, so a crash redelivers it, as Kafka does.
 */
export function createSqliteBus(input: SqliteBusConfig): Bus & { readonly db: Database.Database } {
  const config = SqliteBusConfig.parse(input);
  const db = openDatabase(config.path);
  const statements = {
    lastOffset: db.prepare<[string, number], { last: number | null }>('SELECT max(offset) AS last FROM messages WHERE topic = ? AND partition = ?'),
    insert: db.prepare('INSERT INTO messages (topic, partition, offset, key, value, headers) VALUES (?, ?, ?, ?, ?, ?)'),
    committed: db.prepare<[string, string, number], { next_offset: number }>('SELECT next_offset FROM group_offsets WHERE grp = ? AND topic = ? AND partition = ?'),
    fetch: db.prepare<[string, number, number, number], MessageRow>(
      'SELECT partition, offset, key, value, headers FROM messages WHERE topic = ? AND partition = ? AND offset >= ? ORDER BY offset LIMIT ?',
    ),
    commit: db.prepare(
      'INSERT INTO group_offsets (grp, topic, partition, next_offset) VALUES (?, ?, ?, ?) ON CONFLICT (grp, topic, partition) DO UPDATE SET next_offset = excluded.next_offset',
    ),
  };

  const appendAll = db.transaction((topic: string, messages: readonly OutgoingMessage[]) => {
    const next = new Map<number, number>();
    for (const message of messages) {
      const partition = partitionForKey(message.key, config.partitions);
      const offset = next.get(partition) ?? (statements.lastOffset.get(topic, partition)?.last ?? -1) + 1;
      statements.insert.run(topic, partition, offset, message.key, message.value, JSON.stringify(message.headers ?? {}));
      next.set(partition, offset + 1);
    }
  });

  const commitAll = db.transaction((group: string, batch: readonly BusMessage[]) => {
    const next = new Map<string, { topic: string; partition: number; offset: number }>();
    for (const message of batch) {
      next.set(`${message.topic}\u0000${message.partition}`, { topic: message.topic, partition: message.partition, offset: Number(message.offset) + 1 });
    }
    for (const position of next.values()) statements.commit.run(group, position.topic, position.partition, position.offset);
  });

  function fetchBatch(group: string, topics: readonly string[], limit: number): BusMessage[] {
    const batch: BusMessage[] = [];
    for (const topic of topics) {
      for (let partition = 0; partition < config.partitions && batch.length < limit; partition += 1) {
        const from = statements.committed.get(group, topic, partition)?.next_offset ?? 0;
        for (const row of statements.fetch.all(topic, partition, from, limit - batch.length)) {
          batch.push({ topic, partition, offset: String(row.offset), key: row.key, value: row.value, headers: JSON.parse(row.headers) as Record<string, string> });
        }
      }
    }
    return batch;
  }

  return {
    db,
    async publish(topic, messages) {
      if (messages.length === 0) return;
      guard(() => appendAll.immediate(topic, messages), 'publishing to the embedded bus');
    },
    async consume(options: ConsumeOptions) {
      const limit = options.maxBatchMessages ?? config.maxBatchMessages;
      while (options.signal?.aborted !== true) {
        const batch = guard(() => fetchBatch(options.group, options.topics, limit), 'reading the embedded bus');
        if (batch.length === 0) {
          if (options.untilIdle === true) return;
          await sleep(config.pollIntervalMs, undefined, { signal: options.signal }).catch(() => undefined);
          continue;
        }
        await options.handleBatch(batch);
        guard(() => commitAll.immediate(options.group, batch), 'committing offsets on the embedded bus');
      }
    },
    async close() {
      db.close();
    },
  };
}

function openDatabase(path: string): Database.Database {
  return guard(() => {
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 10000');
    db.exec(SCHEMA);
    return db;
  }, `opening the embedded bus at ${path}`);
}

function guard<T>(action: () => T, what: string): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof KeytrailError) throw error;
    throw toKeytrailError(error, 'BUS_STORE_FAILED', what);
  }
}
