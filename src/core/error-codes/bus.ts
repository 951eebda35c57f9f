import type { ErrorCatalogue } from './spec.ts';

export const BUS_CODES = {
  BUS_STORE_FAILED: { exit: 'io', retriable: true, summary: 'The embedded bus could not read or write its SQLite file.' },
  BUS_TOPIC_UNKNOWN: { exit: 'usage', retriable: false, summary: 'A stage asked for a topic that is not part of the topic layout.' },
  BUS_HANDLER_FAILED: { exit: 'io', retriable: true, summary: 'A consumer handler failed; its batch was not committed and will be redelivered.' },
} as const satisfies ErrorCatalogue;
