/**
 * The interfaces stages are written against. Implementations live in their stage folders and are wired
 * together only in app.ts, so a stage never needs to import another one.
 */

/** The topics stages read and write; bus/topics.ts decides their names. */
export interface TopicNames {
  kmsEvents: string;
  appEvents: string;
  records: string;
  deadLetter: string;
}

/** Header names carried by every message. */
export const HEADER_SCHEMA_VERSION = 'keytrail-schema-version';
export const HEADER_INGEST_TIME = 'keytrail-ingest-time';

export interface OutgoingMessage {
  /** The correlation key: messages with one key stay in order and reach one consumer instance. */
  key: string;
  value: Buffer;
  headers?: Record<string, string>;
}

export interface BusMessage {
  topic: string;
  partition: number;
  /** Offsets are decimal strings: Kafka's are 64-bit. */
  offset: string;
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface ConsumeOptions {
  group: string;
  topics: readonly string[];
  maxBatchMessages?: number;
  /**
   * Handles one batch. The batch's offsets are committed only after this resolves, so it must finish
   * every durable write first; if it throws, nothing is committed, consume() rejects with that error, and
   * the group's next consumer gets the batch again.
   */
  handleBatch(batch: readonly BusMessage[]): Promise<void>;
  /** Backfill mode: return once every subscribed topic is drained instead of waiting for more. */
  untilIdle?: boolean;
  /** Streaming mode stops when this aborts (after the batch in hand is handled and committed). */
  signal?: AbortSignal;
  /**
   * Called whenever this member's partitions change (joining, a rebalance). Members of one group split
   * the partitions by partition number, so partition n of every subscribed topic goes to one member.
   */
  onAssignment?(partitions: readonly TopicPartition[]): void;
  /**
   * For a consumer that stores its own position with its durable write (the sealer keeps offsets in the
   * chain store's transaction): the next offset to read in a partition it was just given, or undefined. The
   * bus starts there when it is ahead of the group's committed offset, so nothing already written is replayed.
   */
  resumeFrom?(partition: TopicPartition): string | undefined;
}

export interface Bus {
  /**
   * Resolves once every message is durable (fsync'd or acknowledged by all in-sync replicas). Messages with
   * one key go to one partition (Kafka's murmur2 partitioner on both buses) and keep their order; headers
   * missing the schema version or the ingest time get them.
   */
  publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void>;
  /** Consumes as one member of a consumer group until idle (backfill) or aborted (streaming). */
  consume(options: ConsumeOptions): Promise<void>;
  close(): Promise<void>;
}

/** One sealed entry as stored: its RFC 8785 bytes and its chain hash, SHA-256(bytes). */
export interface ChainEntry {
  seq: number;
  hash: Buffer;
  bytes: Buffer;
}

/** A signed checkpoint as stored: `note` is the C2SP signed note, byte for byte (docs/FORMAT.md). */
export interface StoredCheckpoint {
  /** Signing order within the chain store, from 1. */
  id: number;
  size: number;
  note: string;
}

/**
 * Read access to a sealed chain, for stages that must not import seal/ (export, forward) and for the
 * CLI. The seal store implements it; app.ts and cli/ inject it. Proofs follow RFC 9162 §2.1.3–2.1.4
 * and are built from stored tree nodes in O(log n).
 */
export interface ChainReader {
  readonly origin: string;
  /** Number of sealed entries: the next entry's seq. */
  size(): number;
  /** Entries with fromSeq ≤ seq < toSeq (default: to the end), in seq order, streamed. */
  entries(fromSeq: number, toSeq?: number): IterableIterator<ChainEntry>;
  /** Checkpoints with id > afterId (default 0), in signing order, streamed. */
  checkpoints(afterId?: number): IterableIterator<StoredCheckpoint>;
  latestCheckpoint(): StoredCheckpoint | undefined;
  /** RFC 6962 root of the first `size` entries. */
  rootAt(size: number): Buffer;
  /**
   * The frontier of the first `size` entries: roots of the perfect subtrees they decompose into, largest
   * first (one per set bit of size). A bundle that starts at seq `size` carries it so the verifier can
   * continue the tree (docs/FORMAT.md; verify's EntrySource `start`).
   */
  frontier(size: number): Buffer[];
  /** Audit path of entry `seq` in the tree of the first `treeSize` entries, leaf to root. */
  inclusionProof(seq: number, treeSize: number): Buffer[];
  /** Consistency proof from the tree of `oldSize` entries to the tree of `newSize` entries. */
  consistencyProof(oldSize: number, newSize: number): Buffer[];
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
