import Database from 'better-sqlite3';
import { KeytrailError, toKeytrailError } from '../core/errors.ts';
import type { ChainHead } from './chain.ts';
import { EMPTY_HEAD } from './chain.ts';
import type { NodeReader, StoredNode } from './merkle-tree.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (seq INTEGER PRIMARY KEY, record_id TEXT NOT NULL UNIQUE, hash BLOB NOT NULL, bytes BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS nodes (level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL, PRIMARY KEY (level, idx)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS checkpoints (id INTEGER PRIMARY KEY, size INTEGER NOT NULL, note TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS consumer_offsets (topic TEXT NOT NULL, partition INTEGER NOT NULL, next_offset TEXT NOT NULL, PRIMARY KEY (topic, partition)) WITHOUT ROWID;
`;

export interface NewEntry {
  seq: number;
  recordId: string;
  hash: Buffer;
  bytes: Buffer;
}

export interface ChainStore {
  readonly origin: string;
  head(): ChainHead;
  nodes: NodeReader;
  hasRecord(recordId: string): boolean;
  /** Runs `work` in one IMMEDIATE transaction (WAL, synchronous=FULL): all of it is durable, or none. */
  transaction<T>(work: () => T): T;
  appendEntry(entry: NewEntry, nodes: readonly StoredNode[]): void;
  addCheckpoint(size: number, note: string): void;
  latestCheckpoint(): { size: number; note: string } | undefined;
  saveOffset(topic: string, partition: number, nextOffset: string): void;
  /** Entries in seq order from `fromSeq`, streamed from disk. */
  iterateEntries(fromSeq?: number): IterableIterator<{ seq: number; hash: Buffer; bytes: Buffer }>;
  close(): void;
}

/**
 * The sealer's SQLite store. It pins the chain's origin on first open and refuses another one later,
 * and it keeps the right edge of the tree in memory so appends read no nodes from disk.
 */
export function openChainStore(path: string, origin: string): ChainStore {
  const db = guard(() => new Database(path), `opening the chain store at ${path}`);
  guard(() => {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(SCHEMA);
    db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?), (?, ?)').run('origin', origin, 'format', '1');
  }, 'initialising the chain store');
  const stored = db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'origin'").get()!.value;
  if (stored !== origin) {
    db.close();
    throw new KeytrailError('SEAL_CHAIN_MISMATCH', `the chain store at ${path} belongs to origin ${stored}, not ${origin}`, { details: { stored, configured: origin } });
  }
  const statements = {
    last: db.prepare<[], { seq: number; hash: Buffer }>('SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1'),
    node: db.prepare<[number, number], { hash: Buffer }>('SELECT hash FROM nodes WHERE level = ? AND idx = ?'),
    hasRecord: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM entries WHERE record_id = ?'),
    insertEntry: db.prepare('INSERT INTO entries (seq, record_id, hash, bytes) VALUES (?, ?, ?, ?)'),
    insertNode: db.prepare('INSERT INTO nodes (level, idx, hash) VALUES (?, ?, ?)'),
    insertCheckpoint: db.prepare('INSERT INTO checkpoints (size, note) VALUES (?, ?)'),
    latestCheckpoint: db.prepare<[], { size: number; note: string }>('SELECT size, note FROM checkpoints ORDER BY id DESC LIMIT 1'),
    entriesFrom: db.prepare<[number], { seq: number; hash: Buffer; bytes: Buffer }>('SELECT seq, hash, bytes FROM entries WHERE seq >= ? ORDER BY seq'),
    saveOffset: db.prepare(
      'INSERT INTO consumer_offsets (topic, partition, next_offset) VALUES (?, ?, ?) ON CONFLICT (topic, partition) DO UPDATE SET next_offset = excluded.next_offset',
    ),
  };
  const readHead = (): ChainHead => {
    const last = statements.last.get();
    return last === undefined ? EMPTY_HEAD : { size: last.seq + 1, hashHex: last.hash.toString('hex') };
  };
  let head = readHead();
  // Right edge of the tree: the newest node at each level is the only one a future append can pair with.
  const edge = new Map<string, Buffer>();
  const nodes: NodeReader = {
    get: (level, index) => edge.get(`${level}:${index}`) ?? statements.node.get(level, index)?.hash,
  };

  return {
    origin,
    head: () => head,
    nodes,
    hasRecord: (recordId) => statements.hasRecord.get(recordId) !== undefined,
    transaction(work) {
      try {
        return guard(() => db.transaction(work).immediate(), 'writing the chain store');
      } catch (error) {
        // The transaction rolled back: forget what it appended in memory.
        head = readHead();
        edge.clear();
        throw error;
      }
    },
    appendEntry(entry, created) {
      if (entry.seq !== head.size) throw new KeytrailError('SEAL_STORE_CORRUPT', `append of seq ${entry.seq} when the head is at ${head.size}`);
      statements.insertEntry.run(entry.seq, entry.recordId, entry.hash, entry.bytes);
      for (const node of created) {
        statements.insertNode.run(node.level, node.index, node.hash);
        edge.delete(`${node.level}:${node.index - 2}`);
        edge.set(`${node.level}:${node.index}`, node.hash);
      }
      head = { size: entry.seq + 1, hashHex: entry.hash.toString('hex') };
    },
    addCheckpoint: (size, note) => statements.insertCheckpoint.run(size, note),
    latestCheckpoint: () => statements.latestCheckpoint.get(),
    saveOffset: (topic, partition, nextOffset) => statements.saveOffset.run(topic, partition, nextOffset),
    iterateEntries: (fromSeq = 0) => statements.entriesFrom.iterate(fromSeq),
    close: () => db.close(),
  };
}

function guard<T>(action: () => T, what: string): T {
  try {
    return action();
  } catch (error) {
    throw toKeytrailError(error, 'SEAL_STORE_FAILED', what);
  }
}
