import { canonicalBytes } from '../core/canonical-json.ts';
import { sha256Hex } from '../core/hash.ts';
import type { IngestedAppEvent } from '../core/schemas/app-event.ts';
import type { KmsEvent } from '../core/schemas/kms-event.ts';

/**
 * What two deliveries of one KMS event id must agree on to be one call, and not a conflict. Not the raw
 * record's hash: one call reaches keytrail in several forms with one event id and different bytes (an
 * Azure AuditEvent as resource-log JSON, an AzureDiagnostics row and an AZKVAuditLogs row; a Vault request
 * from devices that HMAC different fields). They agree on what the join reads: the time (to the
 * nanosecond, whatever precision was written), operation, key, caller, outcome, join keys and the service
 * that invoked it. Versions a device shows or hides, user agents and attributes may differ between forms.
 */
export function kmsEventDigest(event: KmsEvent): string {
  return sha256Hex(
    canonicalBytes([nanosecondTime(event.eventTime), event.operation, event.keyId, event.principal?.id ?? null, event.outcome, event.joinKeys, event.invokedBy]),
  );
}

/** An app event reaches keytrail as the application sent it, whichever path: its raw hash identifies it. */
export function appEventDigest(event: IngestedAppEvent): string {
  return event.rawSha256;
}

/** `…:05.25Z` and `…:05.2500000Z` are one instant: the fraction padded to nine digits. */
function nanosecondTime(utc: string): string {
  const dot = utc.indexOf('.');
  const fraction = dot === -1 ? '' : utc.slice(dot + 1, -1);
  return `${dot === -1 ? utc.slice(0, -1) : utc.slice(0, dot)}.${fraction.padEnd(9, '0').slice(0, 9)}Z`;
}
