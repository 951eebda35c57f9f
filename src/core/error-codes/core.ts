import type { ErrorCatalogue } from './spec.ts';

export const CORE_CODES = {
  CORE_CANONICAL_UNSUPPORTED: { exit: 'usage', retriable: false, summary: 'A value cannot be canonicalised under RFC 8785 (non-finite number, lone surrogate, bigint, function or undefined in an array).' },
  CORE_KEY_INVALID: { exit: 'usage', retriable: false, summary: 'A signer or verifier key string is malformed or of an unsupported algorithm.' },
  CORE_KEY_FILE_UNREADABLE: { exit: 'io', retriable: false, summary: 'A key file named in the configuration could not be read.' },
  CORE_SCHEMA_INVALID: { exit: 'usage', retriable: false, summary: 'A value does not match its schema; details list each problem with its path.' },
} as const satisfies ErrorCatalogue;
