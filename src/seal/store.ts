import type Database from 'better-sqlite3';
import { KeytrailError } from '../core/errors.ts';
import type { ChainReader } from '../core/ports.ts';
import { EMPTY_HEAD, type ChainHead } from './chain.ts';
import { createChainReader, prepareChainQueries } from './chain-reader.ts';
import type { NodeReader, StoredNode } from './merkle-tree.ts';
import { backfillIndex, prepareIndexWriter, type IndexRow } from './record-index.ts';
import { guardStore, openChainDatabase } from './store-db.ts';

export interface NewEntry {
  seq: number;
  recordId: string;
  hash: Buffer;
  bytes: Buffer;
  /** What `keytrail query` filters on, stored with the entry (record-index.ts). */
  index: IndexRow;
}

export interface StoredOffset {
  topic: string;
  partition: number;
  nextOffset: string;
}

export interface ChainStore extends ChainReader {
  head(): ChainHead;
  nodes: NodeReader;
  /** The seq of the entry sealing record `recordId`, if it is in the chain. */
  recordSeq(recordId: string): number | undefined;
  /** Runs `work` in one IMMEDIATE transaction (WAL, synchronous=FULL): all of it is durable, or none. */
  transaction<T>(work: () => T): T;
  appendEntry(entry: NewEntry, nodes: readonly StoredNode[]): void;
  addCheckpoint(size: number, note: string): void;
  saveOffset(topic: string, partition: number, nextOffset: string): void;
  /** The bus offsets committed with the entries: where a consumer resumes after a crash. */
  storedOffsets(): StoredOffset[];
  close(): void;
}

/**
 * The sealer's SQLite store. It pins the chain's origin on first open and refuses another one later,
 * and it keeps the right edge of the tree in memory so appends read no nodes from disk.
 */
export function openChainStore(path: string, origin: string): ChainStore {
  const db = openChainDatabase(path, 'write');
  checkOrigin(db, path, origin);
  const queries = prepareChainQueries(db);
  const index = prepareIndexWriter(db);
  guardStore(() => backfillIndex(db, index), `indexing the entries of ${path} for keytrail query`);
  const statements = {
    lastHash: db.prepare<[], { seq: number; hash: Buffer }>('SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1'),
    insertEntry: db.prepare('INSERT INTO entries (seq, record_id, hash, bytes) VALUES (?, ?, ?, ?)'),
    insertNode: db.prepare('INSERT INTO nodes (level, idx, hash) VALUES (?, ?, ?)'),
    insertCheckpoint: db.prepare('INSERT INTO checkpoints (size, note) VALUES (?, ?)'),
    offsets: db.prepare<[], { topic: string; partition: number; next_offset: string }>('SELECT topic, partition, next_offset FROM consumer_offsets ORDER BY topic, partition'),
    saveOffset: db.prepare(
      'INSERT INTO consumer_offsets (topic, partition, next_offset) VALUES (?, ?, ?) ON CONFLICT (topic, partition) DO UPDATE SET next_offset = excluded.next_offset',
    ),
  };
  const readHead = (): ChainHead => {
    const last = statements.lastHash.get();
    return last === undefined ? EMPTY_HEAD : { size: last.seq + 1, hashHex: last.hash.toString('hex') };
  };
  let head = readHead();
  if (head.size > 0 && queries.nodes.get(0, head.size - 1) === undefined) {
    db.close();
    throw new KeytrailError('SEAL_STORE_CORRUPT', `the chain store at ${path} holds ${head.size} entries but no tree leaf for the last one`);
  }
  // Right edge of the tree: the newest node at each level is the only one a future append can pair with.
  const edge = new Map<string, Buffer>();
  const nodes: NodeReader = { get: (level, index) => edge.get(`${level}:${index}`) ?? queries.nodes.get(level, index) };

  return {
    ...createChainReader(origin, queries, nodes),
    size: () => head.size,
    head: () => head,
    nodes,
    recordSeq: queries.recordSeq,
    transaction(work) {
      try {
        return guardStore(() => db.transaction(work).immediate(), 'writing the chain store');
      } catch (error) {
        // The transaction rolled back: forget what it appended in memory.
        head = readHead();
        edge.clear();
        throw error;
      }
    },
    appendEntry(entry, created) {
      if (entry.seq !== head.size) throw new KeytrailError('SEAL_STORE_CORRUPT', `append of seq ${entry.seq} when the head is at ${head.size}`);
      statements.insertEntry.run(entry.seq, Buffer.from(entry.recordId, 'hex'), entry.hash, entry.bytes);
      index.add(entry.seq, entry.index);
      for (const node of created) {
        statements.insertNode.run(node.level, node.index, node.hash);
        edge.delete(`${node.level}:${node.index - 2}`);
        edge.set(`${node.level}:${node.index}`, node.hash);
      }
      head = { size: entry.seq + 1, hashHex: entry.hash.toString('hex') };
    },
    addCheckpoint: (size, note) => {
      statements.insertCheckpoint.run(size, note);
    },
    saveOffset: (topic, partition, nextOffset) => {
      statements.saveOffset.run(topic, partition, nextOffset);
    },
    storedOffsets: () => statements.offsets.all().map((row) => ({ topic: row.topic, partition: row.partition, nextOffset: row.next_offset })),
    close: () => db.close(),
  };
}

function checkOrigin(db: Database.Database, path: string, origin: string): void {
  guardStore(() => db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?), (?, ?)').run('origin', origin, 'format', '1'), 'initialising the chain store');
  const stored = db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'origin'").get()!.value;
  if (stored !== origin) {
    db.close();
    throw new KeytrailError('SEAL_CHAIN_MISMATCH', `the chain store at ${path} belongs to origin ${stored}, not ${origin}`, { details: { stored, configured: origin } });
  }
}
