import type { ErrorCatalogue } from './spec.ts';

export const SEAL_CODES = {
  SEAL_RECORD_INVALID: { exit: 'usage', retriable: false, summary: 'A message on the records topic does not match the AttributedRecord schema; it goes to dead-letter.' },
  SEAL_STORE_FAILED: { exit: 'io', retriable: true, summary: 'The chain store could not be read or written.' },
  SEAL_STORE_CORRUPT: { exit: 'verify', retriable: false, summary: 'The chain store disagrees with itself (an entry or tree node its other rows imply is missing, or its head does not match its last entry); nothing is appended to it or exported from it.' },
  SEAL_CHAIN_MISMATCH: { exit: 'usage', retriable: false, summary: 'The data directory was sealed under a different chain origin than the one configured.' },
  SEAL_SIGNER_KEY_MISSING: { exit: 'usage', retriable: false, summary: 'The environment variable named as a checkpoint signer key is not set or empty.' },
  SEAL_TREE_SIZE_UNKNOWN: { exit: 'usage', retriable: false, summary: 'A root or proof was asked for a tree size or seq the chain store does not hold (yet).' },
  SEAL_CHECKPOINT_FOREIGN: { exit: 'usage', retriable: false, summary: 'A checkpoint given to prove or consistency is not a checkpoint of this chain store (other origin, unparsable, or a root the store does not have).' },
} as const satisfies ErrorCatalogue;
