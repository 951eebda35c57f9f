import type { ErrorCode } from '../../src/core/errors.ts';
import type { SealedLog } from './sealed-log.ts';
import * as tamper from './tampers.ts';

export interface TamperCase {
  name: string;
  tamper: () => { model: tamper.Model; known?: string[] };
  /** The reason each source must give; `line` stands for the bundle shape (no stored hashes). */
  reason: { dataDir: ErrorCode; line: ErrorCode };
  /** Codes that must not appear: the reason is the right one, not a side effect. */
  absent?: ErrorCode[];
  firstDivergence?: number;
}

/** The sealer issue's tamper matrix: each case, and the reason a data directory and a line-shaped source (a bundle) must give. */
export function createTamperCases(context: () => { log: SealedLog; base: tamper.Model }): TamperCase[] {
  const cases: TamperCase[] = [
    { name: 'one modified byte in an entry', tamper: () => ({ model: tamper.modifyOneByte(context().base, 13) }), reason: { dataDir: 'VERIFY_ENTRY_HASH_MISMATCH', line: 'VERIFY_PREV_MISMATCH' }, firstDivergence: 13 },
    { name: 'a deleted entry', tamper: () => ({ model: tamper.deleteEntry(context().base, 13) }), reason: { dataDir: 'VERIFY_SEQ_GAP', line: 'VERIFY_SEQ_GAP' }, absent: ['VERIFY_SEQ_ORDER'], firstDivergence: 13 },
    {
      name: 'a forged entry inserted with every later seq, prev and hash recomputed',
      tamper: () => ({ model: tamper.insertForgedEntry(context().base, 13) }),
      reason: { dataDir: 'VERIFY_CHECKPOINT_ROOT', line: 'VERIFY_CHECKPOINT_ROOT' },
      absent: ['VERIFY_ENTRY_HASH_MISMATCH', 'VERIFY_PREV_MISMATCH', 'VERIFY_SEQ_GAP', 'VERIFY_SEQ_ORDER'],
      firstDivergence: 8,
    },
    { name: 'two swapped entries', tamper: () => ({ model: tamper.swapEntries(context().base, 13, 14) }), reason: { dataDir: 'VERIFY_SEQ_ORDER', line: 'VERIFY_SEQ_ORDER' }, firstDivergence: 13 },
    {
      name: 'the last 10 entries removed with their checkpoints, an earlier checkpoint known to the auditor',
      tamper: () => ({ model: tamper.truncate(context().base, 10), known: [context().base.checkpoints.find((checkpoint) => checkpoint.size === 40)!.note] }),
      reason: { dataDir: 'VERIFY_TRUNCATED', line: 'VERIFY_TRUNCATED' },
      firstDivergence: 30,
    },
    { name: 'a replaced checkpoint signature', tamper: () => ({ model: tamper.replaceSignature(context().base, 2) }), reason: { dataDir: 'VERIFY_CHECKPOINT_SIGNATURE', line: 'VERIFY_CHECKPOINT_SIGNATURE' }, absent: ['VERIFY_CHECKPOINT_UNTRUSTED'] },
    {
      name: 'a rewritten log signed with a different key',
      tamper: () => ({ model: tamper.resignWithAnotherKey(context().base, 13) }),
      reason: { dataDir: 'VERIFY_CHECKPOINT_UNTRUSTED', line: 'VERIFY_CHECKPOINT_UNTRUSTED' },
      absent: ['VERIFY_CHECKPOINT_SIGNATURE'],
    },
    { name: 'non-canonical but semantically equal JSON', tamper: () => ({ model: tamper.makeNonCanonical(context().base, 13) }), reason: { dataDir: 'VERIFY_ENTRY_NOT_CANONICAL', line: 'VERIFY_ENTRY_NOT_CANONICAL' }, absent: ['VERIFY_ENTRY_HASH_MISMATCH'], firstDivergence: 13 },
    {
      name: 'a validly signed checkpoint whose root does not match',
      tamper: () => ({ model: tamper.resignCheckpoint(context().base, 16, context().log.signer, (body) => ({ ...body, rootBase64: tamper.rootOf(context().base, 15).toString('base64') })) }),
      reason: { dataDir: 'VERIFY_CHECKPOINT_ROOT', line: 'VERIFY_CHECKPOINT_ROOT' },
      absent: ['VERIFY_CHECKPOINT_HEAD', 'VERIFY_CHECKPOINT_SIZE'],
    },
    {
      name: 'a validly signed checkpoint with a wrong tree size',
      tamper: () => ({ model: tamper.resignCheckpoint(context().base, 16, context().log.signer, (body) => ({ ...body, size: 20 })) }),
      reason: { dataDir: 'VERIFY_CHECKPOINT_SIZE', line: 'VERIFY_CHECKPOINT_SIZE' },
      absent: ['VERIFY_CHECKPOINT_ROOT', 'VERIFY_TRUNCATED'],
    },
    {
      name: 'a validly signed checkpoint claiming more entries than were ever sealed',
      tamper: () => ({ model: tamper.resignCheckpoint(context().base, 40, context().log.signer, (body) => ({ ...body, size: 45 })) }),
      reason: { dataDir: 'VERIFY_CHECKPOINT_SIZE', line: 'VERIFY_CHECKPOINT_SIZE' },
      absent: ['VERIFY_TRUNCATED'],
    },
  ];
  return cases;
}
