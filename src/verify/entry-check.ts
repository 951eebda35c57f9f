import { canonicalize } from '../core/canonical-json.ts';
import { sha256Hex } from '../core/hash.ts';
import { Entry } from '../core/schemas/entry.ts';
import type { SourceEntry } from './entry-source.ts';
import type { FindingList } from './findings.ts';

/** Where the walk is: the seq the next entry must carry and the chain hash it must name as prev. */
export interface ChainCursor {
  /** The log's origin; null until known, then taken from the first entry. */
  origin: string | null;
  expectedSeq: number;
  prevHex: string;
}

export interface CheckedEntry {
  hashHex: string;
  /** The entry parsed, when its bytes are JSON of the v1 shape. */
  entry: Entry | undefined;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Checks one entry against the v1 invariants and advances the cursor. The chain hash is computed from
 * the bytes exactly as stored: verify never re-serialises before hashing.
 */
export function checkEntry(stored: SourceEntry, cursor: ChainCursor, findings: FindingList): CheckedEntry {
  const hashHex = sha256Hex(stored.bytes);
  const position = cursor.expectedSeq;
  const where = stored.where;
  if (stored.storedHash !== null && stored.storedHash.toString('hex') !== hashHex) {
    findings.add({ code: 'VERIFY_ENTRY_HASH_MISMATCH', seq: position, where, message: 'the stored hash is not the SHA-256 of the entry bytes (the bytes changed after sealing)', expected: stored.storedHash.toString('hex'), actual: hashHex });
  }
  const entry = parseEntry(stored.bytes, position, where, findings);
  const seq = entry?.seq ?? position;
  const renumbered = seq !== position;
  if (seq > position) {
    findings.add({ code: 'VERIFY_SEQ_GAP', seq: position, where, message: `seq ${position}${seq - position > 1 ? `–${seq - 1}` : ''} missing: the entry here carries seq ${seq}`, expected: String(position), actual: String(seq) });
  } else if (seq < position) {
    findings.add({ code: 'VERIFY_SEQ_ORDER', seq, where, message: `seq ${seq} appears after seq ${position - 1}: entries reordered or repeated`, expected: String(position), actual: String(seq) });
  }
  if (entry !== undefined && entry.prev !== cursor.prevHex) {
    findings.add({ code: 'VERIFY_PREV_MISMATCH', seq: position, where, divergence: { from: renumbered ? position : Math.max(0, position - 1), to: position }, message: `prev of the entry at seq ${position} is not the chain hash of the entry stored before it`, expected: cursor.prevHex, actual: entry.prev });
  }
  if (entry !== undefined && cursor.origin === null) cursor.origin = entry.chain;
  if (entry !== undefined && entry.chain !== cursor.origin) {
    findings.add({ code: 'VERIFY_CHAIN_NAME_MISMATCH', seq: position, where, message: 'the entry names another chain', expected: cursor.origin ?? undefined, actual: entry.chain });
  }
  // After a gap, follow the entries' own numbering so one deletion is one finding, not one per later
  // entry; an entry that goes backwards does not move the cursor back.
  cursor.expectedSeq = Math.max(position, seq) + 1;
  cursor.prevHex = hashHex;
  return { hashHex, entry };
}

function parseEntry(bytes: Buffer, seq: number, where: string, findings: FindingList): Entry | undefined {
  let value: unknown;
  let text: string;
  try {
    text = UTF8.decode(bytes);
    value = JSON.parse(text);
  } catch (error) {
    findings.add({ code: 'VERIFY_ENTRY_NOT_JSON', seq, where, message: `entry bytes are not UTF-8 JSON: ${(error as Error).message}` });
    return undefined;
  }
  let canonical: string | undefined;
  try {
    canonical = canonicalize(value);
  } catch {
    canonical = undefined;
  }
  if (canonical !== text) {
    const at = firstDifference(canonical ?? '', text);
    findings.add({
      code: 'VERIFY_ENTRY_NOT_CANONICAL',
      seq,
      where,
      message: `entry bytes are not the RFC 8785 canonical form of their content (whitespace, key order, number or escape form, or duplicate keys); first difference at character ${at}`,
      expected: canonical === undefined ? '(no canonical form: not I-JSON)' : JSON.stringify(canonical.slice(at, at + 24)),
      actual: JSON.stringify(text.slice(at, at + 24)),
    });
  }
  const parsed = Entry.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    findings.add({ code: 'VERIFY_ENTRY_SHAPE', seq, where, message: `entry does not match format v1: ${problems.join('; ')}` });
    return undefined;
  }
  return parsed.data;
}

function firstDifference(left: string, right: string): number {
  let index = 0;
  while (index < left.length && index < right.length && left[index] === right[index]) index += 1;
  return index;
}
