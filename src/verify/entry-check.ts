import { sha256Hex } from '../core/hash.ts';
import { inspectEntryBytes, type EntryInspection } from './entry-inspect.ts';
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
  /** The fields the walk uses, when the bytes are JSON of the v1 shape. */
  fields: EntryInspection['fields'];
}

/**
 * Checks one entry against the v1 invariants and advances the cursor. The chain hash is computed from
 * the bytes exactly as stored: verify never re-serialises before hashing. `inspection` may come from a
 * worker thread; it is computed here otherwise.
 */
export function checkEntry(stored: SourceEntry, cursor: ChainCursor, findings: FindingList, inspection: EntryInspection = inspectEntryBytes(stored.bytes)): CheckedEntry {
  const hashHex = sha256Hex(stored.bytes);
  const position = cursor.expectedSeq;
  const where = stored.where;
  if (stored.storedHash !== null && stored.storedHash.toString('hex') !== hashHex) {
    findings.add({ code: 'VERIFY_ENTRY_HASH_MISMATCH', seq: position, where, message: 'the stored hash is not the SHA-256 of the entry bytes (the bytes changed after sealing)', expected: stored.storedHash.toString('hex'), actual: hashHex });
  }
  reportInspection(inspection, position, where, findings);
  const fields = inspection.fields;
  const seq = fields?.seq ?? position;
  const renumbered = seq !== position;
  if (seq > position) {
    findings.add({ code: 'VERIFY_SEQ_GAP', seq: position, where, message: `seq ${position}${seq - position > 1 ? `–${seq - 1}` : ''} missing: the entry here carries seq ${seq}`, expected: String(position), actual: String(seq) });
  } else if (seq < position) {
    findings.add({ code: 'VERIFY_SEQ_ORDER', seq, where, message: `seq ${seq} appears after seq ${position - 1}: entries reordered or repeated`, expected: String(position), actual: String(seq) });
  }
  if (fields !== undefined && fields.prev !== cursor.prevHex) {
    findings.add({ code: 'VERIFY_PREV_MISMATCH', seq: position, where, divergence: { from: renumbered ? position : Math.max(0, position - 1), to: position }, message: `prev of the entry at seq ${position} is not the chain hash of the entry stored before it`, expected: cursor.prevHex, actual: fields.prev });
  }
  if (fields !== undefined && cursor.origin === null) cursor.origin = fields.chain;
  if (fields !== undefined && fields.chain !== cursor.origin) {
    findings.add({ code: 'VERIFY_CHAIN_NAME_MISMATCH', seq: position, where, message: 'the entry names another chain', expected: cursor.origin ?? undefined, actual: fields.chain });
  }
  // After a gap, follow the entries' own numbering so one deletion is one finding, not one per later
  // entry; an entry that goes backwards does not move the cursor back.
  cursor.expectedSeq = Math.max(position, seq) + 1;
  cursor.prevHex = hashHex;
  return { hashHex, fields };
}

function reportInspection(inspection: EntryInspection, seq: number, where: string, findings: FindingList): void {
  if (inspection.notJson !== undefined) {
    findings.add({ code: 'VERIFY_ENTRY_NOT_JSON', seq, where, message: `entry bytes are not UTF-8 JSON: ${inspection.notJson}` });
    return;
  }
  if (inspection.notCanonical !== undefined) {
    const { at, expected, actual } = inspection.notCanonical;
    findings.add({ code: 'VERIFY_ENTRY_NOT_CANONICAL', seq, where, message: `entry bytes are not the RFC 8785 canonical form of their content (whitespace, key order, number or escape form, or duplicate keys); first difference at character ${at}`, expected, actual });
  }
  if (inspection.shapeProblems !== undefined) {
    findings.add({ code: 'VERIFY_ENTRY_SHAPE', seq, where, message: `entry does not match format v1: ${inspection.shapeProblems.join('; ')}` });
  }
}
