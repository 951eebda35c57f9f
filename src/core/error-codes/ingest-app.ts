import type { ErrorCatalogue } from './spec.ts';

/** Application event intake (HTTP and Kafka topic). INGEST_APP_EVENT_INVALID lives in ingest.ts. */
export const INGEST_APP_CODES = {
  INGEST_APP_UNAUTHORIZED: { exit: 'usage', retriable: false, summary: 'An HTTP intake request lacks the configured bearer token or carries another one (401).' },
  INGEST_APP_BODY_TOO_LARGE: { exit: 'usage', retriable: false, summary: 'An HTTP intake body exceeds maxBodyBytes (413); nothing in it was accepted.' },
  INGEST_APP_BODY_INVALID: { exit: 'usage', retriable: false, summary: 'An HTTP intake body holds items that are not valid app events (400): nothing in it was accepted, the bad items went to dead-letter, and the response lists each with its problems.' },
} as const satisfies ErrorCatalogue;
