import { KMS_SERVICE_NAME } from './audit-entry.ts';

/** The two Cloud Audit Logs streams Cloud KMS writes to (activity: ADMIN_WRITE; data_access: reads and crypto). */
export const KMS_AUDIT_LOG_IDS = ['cloudaudit.googleapis.com%2Factivity', 'cloudaudit.googleapis.com%2Fdata_access'] as const;

export interface EntryWindow {
  /** Inclusive / exclusive bounds on receiveTimestamp (RFC 3339 UTC). */
  receivedFrom: string;
  receivedBefore: string;
  /** How far an entry's timestamp may precede its arrival. */
  maxLatenessMs: number;
  /** The last entry already read from this window, in (timestamp, insertId) order. */
  after: { time: string; id: string } | null;
}

/**
 * A Logging query language filter (https://cloud.google.com/logging/docs/view/logging-query-language)
 * for Cloud KMS audit entries received in one window. Every clause is parenthesised: the language
 * gives OR a higher precedence than AND. The filter always names `timestamp`, because
 * `Logging.getEntries` silently appends a last-24-hours clause to any filter that does not.
 */
export function buildEntriesFilter(resourceNames: readonly string[], window: EntryWindow, extraFilter?: string): string {
  const logNames = resourceNames.flatMap((parent) => KMS_AUDIT_LOG_IDS.map((id) => quote(`${parent}/logs/${id}`)));
  const earliest = new Date(Date.parse(window.receivedFrom) - window.maxLatenessMs).toISOString();
  const clauses = [
    `logName=(${logNames.join(' OR ')})`,
    `protoPayload.serviceName=${quote(KMS_SERVICE_NAME)}`,
    `receiveTimestamp>=${quote(window.receivedFrom)}`,
    `receiveTimestamp<${quote(window.receivedBefore)}`,
    `timestamp>=${quote(earliest)}`,
    // Entries are written before they are received; the slack covers clock skew between the two.
    `timestamp<${quote(new Date(Date.parse(window.receivedBefore) + 5 * 60_000).toISOString())}`,
  ];
  if (window.after !== null) {
    const time = quote(window.after.time);
    clauses.push(`(timestamp>${time} OR (timestamp=${time} AND insertId>${quote(window.after.id)}))`);
  }
  if (extraFilter !== undefined && extraFilter.trim() !== '') clauses.push(`(${extraFilter})`);
  return clauses.map((clause) => (clause.startsWith('(') ? clause : `(${clause})`)).join(' AND ');
}

/** A string literal of the query language: double-quoted, with backslash escapes. */
function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
