import type Database from 'better-sqlite3';
import { KeytrailError } from '../core/errors.ts';
import type { ChainEntry, ChainReader, StoredCheckpoint } from '../core/ports.ts';
import { perfectSubtrees, requireNode, rootAt, type NodeReader } from './merkle-tree.ts';
import { buildConsistencyProof, buildInclusionProof } from './proofs.ts';
import { prepareIndexReader, type IndexReader } from './record-index.ts';
import { guardStore, openChainDatabase } from './store-db.ts';

const MAX_SEQ = Number.MAX_SAFE_INTEGER;

export interface ChainQueries {
  nodes: NodeReader;
  size(): number;
  entries(fromSeq: number, toSeq?: number): IterableIterator<ChainEntry>;
  checkpoints(afterId?: number): IterableIterator<StoredCheckpoint>;
  latestCheckpoint(): StoredCheckpoint | undefined;
  recordSeq(recordId: string): number | undefined;
}

/** The SELECTs both the sealer's store and a read-only reader use. */
export function prepareChainQueries(db: Database.Database): ChainQueries {
  const statements = {
    last: db.prepare<[], { seq: number }>('SELECT seq FROM entries ORDER BY seq DESC LIMIT 1'),
    node: db.prepare<[number, number], { hash: Buffer }>('SELECT hash FROM nodes WHERE level = ? AND idx = ?'),
    entries: db.prepare<[number, number], ChainEntry>('SELECT seq, hash, bytes FROM entries WHERE seq >= ? AND seq < ? ORDER BY seq'),
    checkpoints: db.prepare<[number], StoredCheckpoint>('SELECT id, size, note FROM checkpoints WHERE id > ? ORDER BY id'),
    latest: db.prepare<[], StoredCheckpoint>('SELECT id, size, note FROM checkpoints ORDER BY id DESC LIMIT 1'),
    recordSeq: db.prepare<[Buffer], { seq: number }>('SELECT seq FROM entries WHERE record_id = ?'),
  };
  return {
    nodes: { get: (level, index) => statements.node.get(level, index)?.hash },
    size: () => (statements.last.get()?.seq ?? -1) + 1,
    entries: (fromSeq, toSeq = MAX_SEQ) => statements.entries.iterate(fromSeq, toSeq),
    checkpoints: (afterId = 0) => statements.checkpoints.iterate(afterId),
    latestCheckpoint: () => statements.latest.get(),
    recordSeq: (recordId) => statements.recordSeq.get(Buffer.from(recordId, 'hex'))?.seq,
  };
}

/** ChainReader over prepared queries and a node reader (the store passes its cached right edge). */
export function createChainReader(origin: string, queries: ChainQueries, nodes: NodeReader = queries.nodes): ChainReader {
  const requireSize = (size: number, what: string): void => {
    const available = queries.size();
    if (!Number.isSafeInteger(size) || size < 0 || size > available) {
      throw new KeytrailError('SEAL_TREE_SIZE_UNKNOWN', `${what}: tree size ${size} is not within the ${available} sealed entries`, { details: { size, available } });
    }
  };
  return {
    origin,
    size: queries.size,
    entries: queries.entries,
    checkpoints: queries.checkpoints,
    latestCheckpoint: queries.latestCheckpoint,
    rootAt(size) {
      requireSize(size, 'root');
      return rootAt(size, nodes);
    },
    frontier(size) {
      requireSize(size, 'frontier');
      return perfectSubtrees(size).map(({ level, index }) => requireNode(nodes, level, index));
    },
    inclusionProof(seq, treeSize) {
      requireSize(treeSize, 'inclusion proof');
      if (!Number.isSafeInteger(seq) || seq < 0 || seq >= treeSize) {
        throw new KeytrailError('SEAL_TREE_SIZE_UNKNOWN', `inclusion proof: seq ${seq} is not below tree size ${treeSize}`, { details: { seq, treeSize } });
      }
      return buildInclusionProof(seq, treeSize, nodes);
    },
    consistencyProof(oldSize, newSize) {
      requireSize(newSize, 'consistency proof');
      if (!Number.isSafeInteger(oldSize) || oldSize < 0 || oldSize > newSize) {
        throw new KeytrailError('SEAL_TREE_SIZE_UNKNOWN', `consistency proof: old size ${oldSize} is not within 0..${newSize}`, { details: { oldSize, newSize } });
      }
      return buildConsistencyProof(oldSize, newSize, nodes);
    },
  };
}

export interface SealedLogReader extends ChainReader {
  /** The query index (record-index.ts), when chain.db has one. */
  readonly index: IndexReader | undefined;
  close(): void;
}

/**
 * A read-only ChainReader on chain.db, safe beside a running sealer (WAL readers never block it).
 * It answers from the committed state at each call.
 */
export function openChainReader(path: string): SealedLogReader {
  const db = openChainDatabase(path, 'read');
  const origin = guardStore(() => db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'origin'").get()?.value, `reading ${path}`);
  if (origin === undefined) {
    db.close();
    throw new KeytrailError('SEAL_STORE_CORRUPT', `${path} has no origin in its meta table; it is not a keytrail chain store`);
  }
  const index = guardStore(() => prepareIndexReader(db), `reading the query index of ${path}`);
  return { ...createChainReader(origin, prepareChainQueries(db)), index, close: () => db.close() };
}
