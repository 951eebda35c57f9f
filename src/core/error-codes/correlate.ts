import type { ErrorCatalogue } from './spec.ts';

export const CORRELATE_CODES = {
  CORRELATE_MESSAGE_INVALID: { exit: 'usage', retriable: false, summary: 'A message on kms.events or app.events does not match its schema; it goes to dead-letter.' },
  CORRELATE_STATE_FAILED: { exit: 'io', retriable: true, summary: 'The correlator could not read or write its SQLite state.' },
} as const satisfies ErrorCatalogue;
