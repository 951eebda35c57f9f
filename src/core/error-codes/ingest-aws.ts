import type { ErrorCatalogue } from './spec.ts';

/** CloudTrail (files and LookupEvents). INGEST_AWS_FILE_INVALID and INGEST_AWS_RECORD_INVALID live in ingest.ts. */
export const INGEST_AWS_CODES = {
  INGEST_AWS_EVENT_NOT_JSON: { exit: 'usage', retriable: false, summary: 'A LookupEvents result\'s CloudTrailEvent string is not a JSON object; the string is dead-lettered.' },
  INGEST_AWS_THROTTLED: { exit: 'io', retriable: true, summary: 'CloudTrail answered ThrottlingException (LookupEvents allows 2 requests per second per account and Region); the page is retried with backoff.' },
  INGEST_AWS_API_FAILED: { exit: 'io', retriable: true, summary: 'A CloudTrail API call failed on the network or with a server error; the page is retried from the stored cursor.' },
  INGEST_AWS_API_REJECTED: { exit: 'usage', retriable: false, summary: 'CloudTrail rejected a request (credentials, permissions or parameters); polling stops with the provider\'s error name.' },
} as const satisfies ErrorCatalogue;
