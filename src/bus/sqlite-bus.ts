import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { KeytrailError, toKeytrailError } from '../core/errors.ts';
import type { Bus, BusMessage, Clock, ConsumeOptions, OutgoingMessage, TopicPartition } from '../core/ports.ts';
import { systemClock } from '../core/ports.ts';
import { topicPartitionKey } from './assignment.ts';
import { stampHeaders } from './headers.ts';
import { partitionForKey } from './partition.ts';
import { GROUP_SCHEMA, joinGroup, type GroupMembership } from './sqlite-group.ts';

export const SqliteBusConfig = z.strictObject({
  path: z.string().min(1),
  /** Fixed when the file is created (default 1); a later open must agree or leave it out. */
  partitions: z.int().min(1).max(1024).optional(),
  pollIntervalMs: z.int().min(1).default(200),
  maxBatchMessages: z.int().min(1).default(500),
  /** A member that has not polled for this long is presumed dead and its partitions are reassigned. */
  sessionTimeoutMs: z.int().min(100).default(10_000),
});
export type SqliteBusConfig = z.input<typeof SqliteBusConfig>;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS messages (
  topic TEXT NOT NULL, partition INTEGER NOT NULL, offset INTEGER NOT NULL,
  key TEXT NOT NULL, value BLOB NOT NULL, headers TEXT NOT NULL,
  PRIMARY KEY (topic, partition, offset)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS bus_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS group_offsets (
  grp TEXT NOT NULL, topic TEXT NOT NULL, partition INTEGER NOT NULL, next_offset INTEGER NOT NULL,
  PRIMARY KEY (grp, topic, partition)) WITHOUT ROWID;
${GROUP_SCHEMA}`;

interface MessageRow {
  offset: number;
  key: string;
  value: Buffer;
  headers: string;
}

/**
 * The embedded bus: durable topics in one SQLite file (WAL, synchronous=FULL), partitioned by key with
 * Kafka's partitioner, with consumer groups whose members may live in several processes (sqlite-group.ts).
 * A batch is committed only after its handler resolved, so a crash redelivers it, as Kafka does.
 */
export function createSqliteBus(input: SqliteBusConfig, clock: Clock = systemClock): Bus & { readonly db: Database.Database } {
  const config = SqliteBusConfig.parse(input);
  const db = openDatabase(config.path);
  const partitions = pinPartitionCount(db, config.path, config.partitions);
  const statements = {
    lastOffset: db.prepare<[string, number], { last: number | null }>('SELECT max(offset) AS last FROM messages WHERE topic = ? AND partition = ?'),
    insert: db.prepare('INSERT INTO messages (topic, partition, offset, key, value, headers) VALUES (?, ?, ?, ?, ?, ?)'),
    committed: db.prepare<[string, string, number], { next_offset: number }>('SELECT next_offset FROM group_offsets WHERE grp = ? AND topic = ? AND partition = ?'),
    fetch: db.prepare<[string, number, number, number], MessageRow>('SELECT offset, key, value, headers FROM messages WHERE topic = ? AND partition = ? AND offset >= ? ORDER BY offset LIMIT ?'),
    commit: db.prepare(
      'INSERT INTO group_offsets (grp, topic, partition, next_offset) VALUES (?, ?, ?, ?) ON CONFLICT (grp, topic, partition) DO UPDATE SET next_offset = excluded.next_offset',
    ),
  };

  const appendAll = db.transaction((topic: string, messages: readonly OutgoingMessage[]) => {
    const next = new Map<number, number>();
    for (const message of messages) {
      const partition = partitionForKey(message.key, partitions);
      const offset = next.get(partition) ?? (statements.lastOffset.get(topic, partition)?.last ?? -1) + 1;
      statements.insert.run(topic, partition, offset, message.key, message.value, JSON.stringify(stampHeaders(message, clock)));
      next.set(partition, offset + 1);
    }
  });

  /** Commits only the partitions this member still owns: an expired member's late commit is fenced off. */
  const commitAll = db.transaction((group: string, membership: GroupMembership, batch: readonly BusMessage[]) => {
    const next = new Map<string, { topic: string; partition: number; offset: number }>();
    for (const message of batch) next.set(topicPartitionKey(message), { topic: message.topic, partition: message.partition, offset: Number(message.offset) + 1 });
    for (const position of next.values()) {
      if (membership.owns(position)) statements.commit.run(group, position.topic, position.partition, position.offset);
    }
  });

  function fetchBatch(group: string, owned: readonly TopicPartition[], limit: number, resumed: ReadonlyMap<string, number>): BusMessage[] {
    const batch: BusMessage[] = [];
    for (const { topic, partition } of owned) {
      if (batch.length >= limit) break;
      const committed = statements.committed.get(group, topic, partition)?.next_offset ?? 0;
      const from = Math.max(committed, resumed.get(topicPartitionKey({ topic, partition })) ?? 0);
      for (const row of statements.fetch.all(topic, partition, from, limit - batch.length)) {
        batch.push({ topic, partition, offset: String(row.offset), key: row.key, value: row.value, headers: JSON.parse(row.headers) as Record<string, string> });
      }
    }
    return batch;
  }

  /**
   * Backfill ends when the group as a whole has consumed every subscribed partition, not merely when this
   * member's share is empty: a partition still leased by a member that was killed must wait for the lease
   * to expire and be taken over, or its messages would be left for no one.
   */
  function groupDrained(group: string, subscribed: readonly TopicPartition[], resumed: ReadonlyMap<string, number>): boolean {
    return subscribed.every(({ topic, partition }) => {
      const end = (statements.lastOffset.get(topic, partition)?.last ?? -1) + 1;
      const committed = statements.committed.get(group, topic, partition)?.next_offset ?? 0;
      return Math.max(committed, resumed.get(topicPartitionKey({ topic, partition })) ?? 0) >= end;
    });
  }

  async function consume(options: ConsumeOptions): Promise<void> {
    const limit = options.maxBatchMessages ?? config.maxBatchMessages;
    const subscribed = options.topics.flatMap((topic) => Array.from({ length: partitions }, (_, partition) => ({ topic, partition })));
    const membership = guard(
      () => joinGroup(db, { group: options.group, memberId: randomUUID(), partitions: subscribed, sessionTimeoutMs: config.sessionTimeoutMs, nowMs: () => clock.now().getTime() }),
      'joining a consumer group on the embedded bus',
    );
    let announced = '';
    const resumed = new Map<string, number>();
    try {
      while (options.signal?.aborted !== true) {
        const { owned, complete } = guard(() => membership.refresh(), 'renewing group membership on the embedded bus');
        const signature = owned.map(topicPartitionKey).join('\u0001');
        if (signature !== announced) {
          announced = signature;
          resumed.clear();
          for (const entry of owned) {
            const stored = options.resumeFrom?.(entry);
            if (stored !== undefined) resumed.set(topicPartitionKey(entry), Number(stored));
          }
          options.onAssignment?.(owned);
        }
        const batch = guard(() => fetchBatch(options.group, owned, limit, resumed), 'reading the embedded bus');
        if (batch.length === 0) {
          if (options.untilIdle === true && complete && guard(() => groupDrained(options.group, subscribed, resumed), 'reading the embedded bus')) return;
          await sleep(config.pollIntervalMs, undefined, { signal: options.signal }).catch(() => undefined);
          continue;
        }
        await options.handleBatch(batch);
        guard(() => commitAll.immediate(options.group, membership, batch), 'committing offsets on the embedded bus');
      }
    } finally {
      guard(() => membership.leave(), 'leaving a consumer group on the embedded bus');
    }
  }

  return {
    db,
    async publish(topic, messages) {
      if (messages.length === 0) return;
      guard(() => appendAll.immediate(topic, messages), 'publishing to the embedded bus');
    },
    consume,
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

/**
 * Keys were spread over the partition count the file was created with; reading it with another count would
 * leave whole partitions unread, so the count is stored once and a different one is refused.
 */
function pinPartitionCount(db: Database.Database, path: string, configured: number | undefined): number {
  const stored = guard(() => db.prepare<[], { value: string }>("SELECT value FROM bus_meta WHERE key = 'partitions'").get(), `reading the embedded bus at ${path}`);
  if (stored === undefined) {
    const count = configured ?? 1;
    guard(() => db.prepare("INSERT OR IGNORE INTO bus_meta (key, value) VALUES ('partitions', ?)").run(String(count)), `initialising the embedded bus at ${path}`);
    return pinPartitionCount(db, path, count);
  }
  const count = Number(stored.value);
  if (configured !== undefined && configured !== count) {
    db.close();
    throw new KeytrailError('BUS_CONFIG_INVALID', `the embedded bus at ${path} has ${count} partition(s), not ${configured}; its keys are spread over ${count}`, { details: { stored: count, configured } });
  }
  return count;
}

function guard<T>(action: () => T, what: string): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof KeytrailError) throw error;
    throw toKeytrailError(error, 'BUS_STORE_FAILED', what);
  }
}
