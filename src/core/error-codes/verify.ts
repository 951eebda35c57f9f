import type { ErrorCatalogue } from './spec.ts';

/** Every reason verify can give for rejecting a log. Each one is a finding, reported with seq or file. */
export const VERIFY_CODES = {
  VERIFY_ENTRY_NOT_JSON: { exit: 'verify', retriable: false, summary: 'An entry\'s bytes are not valid UTF-8 JSON.' },
  VERIFY_ENTRY_NOT_CANONICAL: { exit: 'verify', retriable: false, summary: 'An entry parses but its bytes are not the RFC 8785 canonical form of its content.' },
  VERIFY_ENTRY_SHAPE: { exit: 'verify', retriable: false, summary: 'An entry lacks a field of the v1 entry format or has it in the wrong type or version.' },
  VERIFY_ENTRY_HASH_MISMATCH: { exit: 'verify', retriable: false, summary: 'The hash stored beside an entry is not the SHA-256 of its bytes.' },
  VERIFY_SEQ_GAP: { exit: 'verify', retriable: false, summary: 'The entry at a position carries a different seq than the position (deleted, inserted or reordered entries).' },
  VERIFY_PREV_MISMATCH: { exit: 'verify', retriable: false, summary: 'An entry\'s prev is not the SHA-256 of the previous entry\'s bytes.' },
  VERIFY_CHAIN_NAME_MISMATCH: { exit: 'verify', retriable: false, summary: 'An entry names a different chain than the log it is in.' },
  VERIFY_CHECKPOINT_MALFORMED: { exit: 'verify', retriable: false, summary: 'A checkpoint is not a well-formed C2SP signed note with a tlog-checkpoint body.' },
  VERIFY_CHECKPOINT_SIGNATURE: { exit: 'verify', retriable: false, summary: 'No trusted key produced a valid signature on a checkpoint, or a trusted key\'s signature fails.' },
  VERIFY_CHECKPOINT_ORIGIN: { exit: 'verify', retriable: false, summary: 'A checkpoint names a different origin than the log.' },
  VERIFY_CHECKPOINT_SIZE: { exit: 'verify', retriable: false, summary: 'A checkpoint claims more entries than the log holds (truncation or a wrong tree size).' },
  VERIFY_CHECKPOINT_ROOT: { exit: 'verify', retriable: false, summary: 'The RFC 6962 root recomputed over the entries differs from the checkpoint\'s root.' },
  VERIFY_CHECKPOINT_HEAD: { exit: 'verify', retriable: false, summary: 'The chain head recomputed at the checkpoint\'s size differs from the head extension line.' },
  VERIFY_NO_CHECKPOINT: { exit: 'verify', retriable: false, summary: 'The log holds entries but no checkpoint covers them, so nothing vouches for them.' },
  VERIFY_UNCOVERED_ENTRIES: { exit: 'verify', retriable: false, summary: 'Entries exist beyond the newest signed checkpoint; they are chained but not signed.' },
  VERIFY_SOURCE_UNREADABLE: { exit: 'io', retriable: false, summary: 'The path given to verify is not a readable data directory.' },
  VERIFY_KEY_MISSING: { exit: 'usage', retriable: false, summary: 'No verifier key was given and none is stored with the log.' },
} as const satisfies ErrorCatalogue;
