import { canonicalize } from '../core/canonical-json.ts';
import { sha256Hex } from '../core/hash.ts';
import { Entry } from '../core/schemas/entry.ts';
import type { FindingList } from './findings.ts';

/** Where the walk is: the seq the next entry must carry and the chain hash it must name as prev. */
export interface ChainCursor {
  origin: string;
  expectedSeq: number;
  prevHex: string;
}

export interface StoredEntry {
  /** The seq the store files the entry under. */
  storedSeq: number;
  /** The hash the store keeps beside the entry, if any. */
  storedHash: Buffer | null;
  bytes: Buffer;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Checks one entry against the v1 invariants and advances the cursor. Returns the entry's chain hash,
 * computed from its bytes exactly as stored: verify never re-serialises before hashing.
 */
export function checkEntry(stored: StoredEntry, cursor: ChainCursor, findings: FindingList): string {
  const hashHex = sha256Hex(stored.bytes);
  const position = cursor.expectedSeq;
  if (stored.storedHash !== null && stored.storedHash.toString('hex') !== hashHex) {
    findings.add({ code: 'VERIFY_ENTRY_HASH_MISMATCH', seq: position, message: 'the stored hash is not the SHA-256 of the entry bytes', expected: hashHex, actual: stored.storedHash.toString('hex') });
  }
  const entry = parseEntry(stored.bytes, position, findings);
  const seq = entry?.seq ?? stored.storedSeq;
  if (seq !== position) {
    findings.add({ code: 'VERIFY_SEQ_GAP', seq: position, message: `expected seq ${position}, found seq ${seq} (entries deleted, inserted or reordered)`, expected: String(position), actual: String(seq) });
  }
  if (entry !== undefined && entry.prev !== cursor.prevHex) {
    findings.add({ code: 'VERIFY_PREV_MISMATCH', seq, message: `prev of seq ${seq} is not the chain hash of the entry stored before it`, expected: cursor.prevHex, actual: entry.prev });
  }
  if (entry !== undefined && entry.chain !== cursor.origin) {
    findings.add({ code: 'VERIFY_CHAIN_NAME_MISMATCH', seq, message: 'the entry names another chain', expected: cursor.origin, actual: entry.chain });
  }
  // After a gap, follow the entries' own numbering so one deletion is one finding, not one per later entry.
  cursor.expectedSeq = seq + 1;
  cursor.prevHex = hashHex;
  return hashHex;
}

function parseEntry(bytes: Buffer, seq: number, findings: FindingList): Entry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(UTF8.decode(bytes));
  } catch (error) {
    findings.add({ code: 'VERIFY_ENTRY_NOT_JSON', seq, message: `entry bytes are not UTF-8 JSON: ${(error as Error).message}` });
    return undefined;
  }
  let canonical: string | undefined;
  try {
    canonical = canonicalize(value);
  } catch {
    canonical = undefined;
  }
  if (canonical !== bytes.toString('utf8')) {
    findings.add({ code: 'VERIFY_ENTRY_NOT_CANONICAL', seq, message: 'entry bytes are not the RFC 8785 canonical form of their content (whitespace, key order, number or escape form, or duplicate keys)' });
  }
  const parsed = Entry.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    findings.add({ code: 'VERIFY_ENTRY_SHAPE', seq, message: `entry does not match format v1: ${problems.join('; ')}` });
    return undefined;
  }
  return parsed.data;
}
