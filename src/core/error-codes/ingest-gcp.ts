import type { ErrorCatalogue } from './spec.ts';

/** Google Cloud Audit Logs (Cloud Logging entries of cloudkms.googleapis.com). */
export const INGEST_GCP_CODES = {
  INGEST_GCP_ENTRY_INVALID: { exit: 'usage', retriable: false, summary: 'A Cloud Logging entry lacks logName, insertId or timestamp, or its AuditLog payload lacks methodName or has a field of the wrong type; details list every problem.' },
  INGEST_GCP_PAYLOAD_UNDECODABLE: { exit: 'usage', retriable: false, summary: 'The protoPayload bytes of an entry read over gRPC do not decode as google.cloud.audit.AuditLog; the bytes are kept in dead-letter.' },
  INGEST_GCP_API_THROTTLED: { exit: 'io', retriable: true, summary: 'Cloud Logging answered RESOURCE_EXHAUSTED (read quota); the page is retried with backoff from the same cursor.' },
  INGEST_GCP_API_UNAVAILABLE: { exit: 'io', retriable: true, summary: 'Cloud Logging could not be reached or answered UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL or ABORTED; the page is retried from the same cursor.' },
  INGEST_GCP_API_REJECTED: { exit: 'usage', retriable: false, summary: 'Cloud Logging rejected the request (bad filter, unknown resource, missing permission such as logging.privateLogEntries.list, or bad credentials).' },
} as const satisfies ErrorCatalogue;
