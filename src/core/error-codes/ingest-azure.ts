import type { ErrorCatalogue } from './spec.ts';

/** Azure Key Vault AuditEvent records (resource-log JSON, AzureDiagnostics and AZKVAuditLogs rows). */
export const INGEST_AZURE_CODES = {
  INGEST_AZURE_RECORD_INVALID: { exit: 'usage', retriable: false, summary: 'An Azure record is none of the three AuditEvent shapes, or lacks its time or operation name, or has a field of the wrong type; details list every problem.' },
  INGEST_AZURE_API_THROTTLED: { exit: 'io', retriable: true, summary: 'Log Analytics answered 429; the query is retried from the same cursor after the Retry-After the service asked for.' },
  INGEST_AZURE_API_UNAVAILABLE: { exit: 'io', retriable: true, summary: 'Log Analytics could not be reached or answered 5xx; the query is retried from the same cursor.' },
  INGEST_AZURE_API_REJECTED: { exit: 'usage', retriable: false, summary: 'Log Analytics rejected the query (400 bad KQL, 401/403 token or role, 404 unknown workspace).' },
  INGEST_AZURE_QUERY_PARTIAL: { exit: 'io', retriable: true, summary: 'Log Analytics returned PartialFailure; the partial rows are not published, and the page is retried with half the row limit until it completes.' },
} as const satisfies ErrorCatalogue;
