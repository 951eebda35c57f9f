import type { ErrorCatalogue } from './spec.ts';

/** HashiCorp Vault audit devices (file and socket). */
export const INGEST_VAULT_CODES = {
  INGEST_VAULT_ENTRY_INVALID: { exit: 'usage', retriable: false, summary: 'A Vault audit entry lacks a field keytrail needs (time, type, request.id, request.path) or has it in the wrong type.' },
  INGEST_VAULT_LINE_TRUNCATED: { exit: 'usage', retriable: false, summary: 'An audit device connection closed in the middle of a line; the partial line is dead-lettered.' },
} as const satisfies ErrorCatalogue;
