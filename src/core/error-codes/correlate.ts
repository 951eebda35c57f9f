import type { ErrorCatalogue } from './spec.ts';

export const CORRELATE_CODES = {
  CORRELATE_MESSAGE_INVALID: { exit: 'usage', retriable: false, summary: 'A message on kms.events or app.events does not match its schema; it goes to dead-letter.' },
  CORRELATE_DUPLICATE_CONFLICT: { exit: 'usage', retriable: false, summary: 'An event repeats a native event id seen before but with different content; it goes to dead-letter instead of being dropped as a duplicate.' },
  CORRELATE_CONFIG_INVALID: { exit: 'usage', retriable: false, summary: 'The correlator configuration failed validation; every problem is listed with its path.' },
  CORRELATE_STATE_GAP: { exit: 'io', retriable: false, summary: 'Logged as a warning, the run goes on: a partition\'s next message is past the offset the correlator state expected, so another state file (or topic retention) took the messages in between and joins across them can be missed.' },
  CORRELATE_STATE_FAILED: { exit: 'io', retriable: true, summary: 'The correlator could not read or write its SQLite state.' },
} as const satisfies ErrorCatalogue;
