import Database from 'better-sqlite3';
import { toKeytrailError } from '../core/errors.ts';
import type { Provider } from '../core/schemas/common.ts';
import { createOutbox, type Outbox } from './outbox.ts';
import { STATE_SCHEMA } from './state-schema.ts';

export type Side = 'kms' | 'app';

/** keyed: waits for an exact partner; cache: a cache hit waiting for its data key's KMS call; heuristic; plain: keyless, closes alone. */
export type EventMode = 'keyed' | 'cache' | 'heuristic' | 'plain';

/**
 * One event the join keeps. While pending, `dueMs` is its window's close deadline on the watermark of
 * the `waitSide` stream (same provider and partition); once closed, it is the expiry on that stream.
 */
export interface StoredEvent {
  /** The row's handle in the state; 0 for an arriving event's row not stored yet. */
  rowid: number;
  /** The input id records use: kms:<provider>:<eventId> or app:<eventId>. */
  id: string;
  side: Side;
  provider: Provider;
  partition: number;
  pkey: string;
  eventTimeMs: number;
  /** The watermark of the event's own stream just before it arrived: what decides whether it was late for a partner. */
  arrivalWmMs: number;
  mode: EventMode;
  status: 'pending' | 'closed';
  /** Closed events only: whether a partner was found (directly or through a correction). */
  partnered: boolean;
  waitSide: Side;
  dueMs: number;
  /** Heuristic events: 1 while waiting for the other side's candidates, 2 while waiting for theirs. */
  phase: number;
  /** The record that holds this event, once closed. */
  recordId: string | null;
  /** Heuristic events: principal, key, operation and outcome, as one comparable string. */
  match: string | null;
  body: string;
}

export interface StreamRow {
  side: Side;
  provider: Provider;
  partition: number;
  maxEventMs: number | null;
  idleWmMs: number | null;
  lastActivityWallMs: number;
}

export type SeenResult = 'new' | 'duplicate' | 'conflict';

export interface JoinState {
  readonly outbox: Outbox;
  /** Runs `work` in one IMMEDIATE transaction; durable (WAL, synchronous=FULL) when it returns. */
  transaction<T>(work: () => T): T;
  /** `digest` says what a repeat must match to be a duplicate rather than a conflict (event-digest.ts). */
  markSeen(entry: { side: Side; id: string; provider: Provider; partition: number; eventTimeMs: number; digest: string }): SeenResult;
  expireSeen(side: Side, provider: Provider, partition: number, beforeMs: number): void;
  /** Stores a new row with the join keys it is found by; returns it with its rowid. */
  insertEvent(event: StoredEvent, keys: readonly string[]): StoredEvent;
  /** Writes a stored row's status, partner flag, due time, phase and record. */
  updateEvent(event: StoredEvent): void;
  deleteEvent(event: StoredEvent): void;
  getEvent(rowid: number): StoredEvent | undefined;
  findByKey(pkey: string, joinKey: string, side: Side): StoredEvent[];
  /** Events waiting on the stream (waitSide, provider, partition) whose due time is before `beforeMs`. */
  listDue(waitSide: Side, provider: Provider, partition: number, beforeMs: number, limit: number): StoredEvent[];
  listOldestPending(limit: number): StoredEvent[];
  countPending(): number;
  listHeuristic(pkey: string, side: Side, match: string, fromMs: number, toMs: number): StoredEvent[];
  loadStreams(): StreamRow[];
  saveStream(row: StreamRow): void;
  loadOffsets(): Map<string, bigint>;
  saveOffset(topic: string, partition: number, nextOffset: bigint): void;
  close(): void;
}

export function openJoinState(path: string): JoinState {
  const db = guard(() => {
    const opened = new Database(path);
    opened.pragma('journal_mode = WAL');
    opened.pragma('synchronous = FULL');
    opened.pragma('busy_timeout = 10000');
    // A fixed page cache (16 MiB): the state lives on disk, memory stays bounded whatever its size.
    opened.pragma('cache_size = -16384');
    opened.exec(STATE_SCHEMA);
    return opened;
  }, `opening correlator state at ${path}`);
  const stored = 'id, side, provider, partition, pkey, event_time_ms, arrival_wm_ms, mode, status, partnered, wait_side, due_ms, phase, record_id, match, keys, body';
  const columns = `rowid, ${stored}`;
  const sql = {
    seenInsert: db.prepare('INSERT OR IGNORE INTO seen (side, id, provider, partition, event_time_ms, raw_sha256) VALUES (?, ?, ?, ?, ?, ?)'),
    seenHash: db.prepare<[string, string], { raw_sha256: string }>('SELECT raw_sha256 FROM seen WHERE side = ? AND id = ?'),
    seenExpire: db.prepare('DELETE FROM seen WHERE side = ? AND provider = ? AND partition = ? AND event_time_ms < ?'),
    insert: db.prepare(`INSERT INTO events (${stored}) VALUES (${stored.split(', ').map(() => '?').join(', ')})`),
    insertKey: db.prepare('INSERT OR IGNORE INTO event_keys (pkey, join_key, side, event_rowid) VALUES (?, ?, ?, ?)'),
    update: db.prepare('UPDATE events SET status = ?, partnered = ?, wait_side = ?, due_ms = ?, phase = ?, record_id = ? WHERE rowid = ?'),
    delete: db.prepare('DELETE FROM events WHERE rowid = ?'),
    deleteKey: db.prepare('DELETE FROM event_keys WHERE pkey = ? AND join_key = ? AND side = ? AND event_rowid = ?'),
    keysOf: db.prepare<[number], { keys: string }>('SELECT keys FROM events WHERE rowid = ?'),
    get: db.prepare<[number], EventRow>(`SELECT ${columns} FROM events WHERE rowid = ?`),
    byKey: db.prepare<[string, string, string], EventRow>(
      `SELECT ${columns} FROM events WHERE rowid IN (SELECT event_rowid FROM event_keys WHERE pkey = ? AND join_key = ? AND side = ?)`,
    ),
    due: db.prepare<[string, string, number, number, number], EventRow>(
      `SELECT ${columns} FROM events WHERE wait_side = ? AND provider = ? AND partition = ? AND due_ms < ? ORDER BY due_ms LIMIT ?`,
    ),
    oldest: db.prepare<[number], EventRow>(`SELECT ${columns} FROM events WHERE status = 'pending' ORDER BY event_time_ms LIMIT ?`),
    countPending: db.prepare<[], { n: number }>("SELECT count(*) AS n FROM events WHERE status = 'pending'"),
    heuristic: db.prepare<[string, string, string, number, number], EventRow>(
      `SELECT ${columns} FROM events WHERE mode = 'heuristic' AND pkey = ? AND side = ? AND match = ? AND event_time_ms BETWEEN ? AND ?`,
    ),
    streams: db.prepare<[], StreamSqlRow>('SELECT side, provider, partition, max_event_ms, idle_wm_ms, last_activity_wall_ms FROM streams'),
    saveStream: db.prepare('INSERT OR REPLACE INTO streams (side, provider, partition, max_event_ms, idle_wm_ms, last_activity_wall_ms) VALUES (?, ?, ?, ?, ?, ?)'),
    offsets: db.prepare<[], { topic: string; partition: number; next_offset: string }>('SELECT topic, partition, next_offset FROM offsets'),
    saveOffset: db.prepare('INSERT OR REPLACE INTO offsets (topic, partition, next_offset) VALUES (?, ?, ?)'),
  };
  // No ORDER BY on the lookups: every choice among rows is made by an order-independent rule (candidates.ts).
  const run = <T>(action: () => T): T => guard(action, 'updating correlator state');
  return {
    outbox: createOutbox(db, run),
    transaction: (work) => run(() => db.transaction(work).immediate()),
    markSeen: (entry) =>
      run(() => {
        if (sql.seenInsert.run(entry.side, entry.id, entry.provider, entry.partition, entry.eventTimeMs, entry.digest).changes === 1) return 'new';
        return sql.seenHash.get(entry.side, entry.id)?.raw_sha256 === entry.digest ? 'duplicate' : 'conflict';
      }),
    expireSeen: (side, provider, partition, beforeMs) => run(() => sql.seenExpire.run(side, provider, partition, beforeMs)),
    insertEvent: (event, keys) =>
      run(() => {
        const rowid = Number(
          sql.insert.run(
            event.id, event.side, event.provider, event.partition, event.pkey, event.eventTimeMs, event.arrivalWmMs, event.mode, event.status,
            event.partnered ? 1 : 0, event.waitSide, event.dueMs, event.phase, event.recordId, event.match, JSON.stringify(keys), event.body,
          ).lastInsertRowid,
        );
        for (const key of keys) sql.insertKey.run(event.pkey, key, event.side, rowid);
        return { ...event, rowid };
      }),
    updateEvent: (event) =>
      run(() => void sql.update.run(event.status, event.partnered ? 1 : 0, event.waitSide, event.dueMs, event.phase, event.recordId, event.rowid)),
    deleteEvent: (event) =>
      run(() => {
        const keys = JSON.parse(sql.keysOf.get(event.rowid)?.keys ?? '[]') as string[];
        for (const key of keys) sql.deleteKey.run(event.pkey, key, event.side, event.rowid);
        sql.delete.run(event.rowid);
      }),
    getEvent: (rowid) =>
      run(() => {
        const row = sql.get.get(rowid);
        return row === undefined ? undefined : fromRow(row);
      }),
    findByKey: (pkey, joinKey, side) => run(() => sql.byKey.all(pkey, joinKey, side).map(fromRow)),
    listDue: (waitSide, provider, partition, beforeMs, limit) => run(() => sql.due.all(waitSide, provider, partition, beforeMs, limit).map(fromRow)),
    listOldestPending: (limit) => run(() => sql.oldest.all(limit).map(fromRow)),
    countPending: () => run(() => sql.countPending.get()!.n),
    listHeuristic: (pkey, side, match, fromMs, toMs) => run(() => sql.heuristic.all(pkey, side, match, fromMs, toMs).map(fromRow)),
    loadStreams: () =>
      run(() =>
        sql.streams.all().map((row) => ({
          side: row.side as Side,
          provider: row.provider as Provider,
          partition: row.partition,
          maxEventMs: row.max_event_ms,
          idleWmMs: row.idle_wm_ms,
          lastActivityWallMs: row.last_activity_wall_ms,
        })),
      ),
    saveStream: (row) => run(() => sql.saveStream.run(row.side, row.provider, row.partition, row.maxEventMs, row.idleWmMs, row.lastActivityWallMs)),
    loadOffsets: () => run(() => new Map(sql.offsets.all().map((row) => [offsetKey(row.topic, row.partition), BigInt(row.next_offset)]))),
    saveOffset: (topic, partition, nextOffset) => run(() => sql.saveOffset.run(topic, partition, nextOffset.toString())),
    close: () => db.close(),
  };
}

export function offsetKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

interface EventRow {
  rowid: number;
  id: string;
  side: string;
  provider: string;
  partition: number;
  pkey: string;
  event_time_ms: number;
  arrival_wm_ms: number;
  mode: string;
  status: string;
  partnered: number;
  wait_side: string;
  due_ms: number;
  phase: number;
  record_id: string | null;
  match: string | null;
  body: string;
}

interface StreamSqlRow {
  side: string;
  provider: string;
  partition: number;
  max_event_ms: number | null;
  idle_wm_ms: number | null;
  last_activity_wall_ms: number;
}

function fromRow(row: EventRow): StoredEvent {
  return {
    rowid: row.rowid,
    id: row.id,
    side: row.side as Side,
    provider: row.provider as Provider,
    partition: row.partition,
    pkey: row.pkey,
    eventTimeMs: row.event_time_ms,
    arrivalWmMs: row.arrival_wm_ms,
    mode: row.mode as EventMode,
    status: row.status as StoredEvent['status'],
    partnered: row.partnered === 1,
    waitSide: row.wait_side as Side,
    dueMs: row.due_ms,
    phase: row.phase,
    recordId: row.record_id,
    match: row.match,
    body: row.body,
  };
}

function guard<T>(action: () => T, what: string): T {
  try {
    return action();
  } catch (error) {
    throw toKeytrailError(error, 'CORRELATE_STATE_FAILED', what);
  }
}
