import { canonicalBytes } from '../core/canonical-json.ts';
import { sha256Hex, ZERO_HASH_HEX } from '../core/hash.ts';
import { ENTRY_FORMAT_VERSION, type Entry } from '../core/schemas/entry.ts';
import type { AttributedRecord } from '../core/schemas/record.ts';

export interface ChainHead {
  /** Number of entries so far; the next entry's seq. */
  size: number;
  /** Chain hash of the last entry, 64 zeros for an empty chain. */
  hashHex: string;
}

export const EMPTY_HEAD: ChainHead = { size: 0, hashHex: ZERO_HASH_HEX };

export interface SealedEntry {
  entry: Entry;
  bytes: Buffer;
  hashHex: string;
}

/** Builds the next entry (format v1): canonical bytes, chain hash, and the head after it. Pure. */
export function buildEntry(chain: string, head: ChainHead, sealedAt: Date, record: AttributedRecord): SealedEntry {
  const entry: Entry = { v: ENTRY_FORMAT_VERSION, chain, seq: head.size, prev: head.hashHex, sealedAt: sealedAt.toISOString(), record };
  const bytes = canonicalBytes(entry);
  return { entry, bytes, hashHex: sha256Hex(bytes) };
}
