import type { Finding } from './findings.ts';

/**
 * What the verifier walks: a data directory's chain store, or an exported bundle (segment files with one
 * entry per line, checkpoint files, verifier key, manifest). The walk needs only this.
 */
export interface SourceEntry {
  /** Where the bytes are: `chain.db entries seq 17`, `segments/000001.jsonl:18`. */
  where: string;
  /** The hash the container keeps beside the entry (chain.db does), or null. */
  storedHash: Buffer | null;
  /** The entry's exact bytes; verify hashes these and never re-serialises them. */
  bytes: Buffer;
}

export interface SourceCheckpoint {
  /** How a report names it: `chain.db checkpoint #3`, `checkpoints/000042.note`. */
  label: string;
  note: string;
}

/**
 * Where the walk starts. A data directory starts at seq 0; a bundle that continues an earlier one
 * starts at its first seq with the earlier chain head and the RFC 6962 frontier (perfect-subtree roots,
 * largest first) of the entries before it. Both are only trusted once a verified checkpoint of exactly
 * `seq` entries has the same root and head.
 */
export interface SourceStart {
  seq: number;
  prevHex: string;
  frontier: Buffer[];
}

export interface EntrySource {
  kind: 'data-dir' | 'bundle';
  path: string;
  /** The origin the container names (chain.db meta, bundle manifest), or null. */
  claimedOrigin: string | null;
  /** Verifier keys stored with the log; used only when the auditor gives none. */
  shippedKeys(): string[];
  /** Checkpoints in signing order. */
  checkpoints(): SourceCheckpoint[];
  start(): SourceStart;
  /** Entries in stored order, streamed. */
  entries(): Iterable<SourceEntry>;
  /** How many entries there are, if the source knows cheaply (it only tunes the work, never a check). */
  sizeHint?(): number | null;
  /** When the log was captured (a bundle's export time); null for a live data directory (now). */
  capturedAt(): Date | null;
  /** What the container itself got wrong (a bundle's files against its manifest), asked once every entry was read. */
  problems?(): Finding[];
  close(): void;
}
