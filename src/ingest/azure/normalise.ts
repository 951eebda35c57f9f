import { canonicalize } from '../../core/canonical-json.ts';
import { KeytrailError } from '../../core/errors.ts';
import { sha256Hex } from '../../core/hash.ts';
import type { JoinKeys, KmsEvent } from '../../core/schemas/kms-event.ts';
import { rawRecordSha256, toKmsEventResult } from '../kms-message.ts';
import type { NormaliseContext, NormaliseResult } from '../source.ts';
import { toNanosecondKey, toUtcTime } from '../utc-time.ts';
import { principalFromClaims, serviceOfManagedIdentity } from './claims.ts';
import { parseKeyUri, subscriptionOf } from './key-uri.ts';
import { isKeyOperation, normaliseAzureOperation } from './operations.ts';
import { readAuditRecord, type AuditView } from './record-shapes.ts';

/** Columns keytrail's own KQL adds for paging; they are not part of the provider record. */
export const HELPER_COLUMN_PREFIX = 'keytrail_';

const ZERO_GUID = '00000000-0000-0000-0000-000000000000';

/**
 * Key Vault AuditEvent (resource-log JSON, AzureDiagnostics row or AZKVAuditLogs row) → KmsEvent.
 *
 * Out of scope, counted as filtered: other categories and tables, vault/secret/certificate operations,
 * and `Authentication` records. The latter are the unauthenticated first request of the SDK's
 * challenge flow (401, `identity: {}`); they name no caller and touch no key, and one precedes every
 * new client's first call, so keytrail never turns them into events that could be joined.
 */
export function normaliseAzureRecord(value: unknown, context: NormaliseContext): NormaliseResult {
  const record = withoutHelperColumns(value);
  const view = readAuditRecord(record);
  if (view.outOfScope !== undefined) return { kind: 'filtered', reason: view.outOfScope };
  if (view.operationName === 'Authentication') return { kind: 'filtered', reason: `Authentication challenge record (${view.resultSignature ?? view.httpStatusCode ?? 'no status'})` };
  if (!isKeyOperation(view.operationName)) return { kind: 'filtered', reason: `${view.operationName} is not a key operation` };
  const eventTime = toUtcTime(view.time, { assumeUtc: true });
  if (eventTime === undefined) {
    throw new KeytrailError('INGEST_AZURE_RECORD_INVALID', `time ${JSON.stringify(view.time)} is not RFC 3339`, { details: { problems: [{ path: view.shape === 'resource-log' ? 'time' : 'TimeGenerated', message: 'not RFC 3339' }] } });
  }
  const eventId = azureEventId(view, eventTime);
  const hashed = view.shape === 'resource-log' ? record : withoutEmptyCells(record as Record<string, unknown>);
  return toKmsEventResult(toKmsEvent(view, { eventId, eventTime, rawSha256: rawRecordSha256(hashed), ingestTime: context.ingestTime }), eventId);
}

/**
 * A Log Analytics row's columns depend on the query and the export (AzureDiagnostics is a wide table:
 * every row has every column any row ever had, mostly empty), so the record keytrail hashes is the
 * row's non-empty cells: null and "" cells are left out. Resource-log JSON is hashed as is.
 */
export function withoutEmptyCells(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).filter(([, value]) => value !== null && value !== ''));
}

/**
 * AuditEvent records carry no event id. The id keytrail uses is a hash of what identifies one call in
 * all three shapes: the time to 100 ns, the vault, the operation, the correlation id, the request URI,
 * the caller's address and the HTTP status. The same call delivered through storage and through Log
 * Analytics therefore dedups, provided both carry TimeGenerated's full precision.
 */
export function azureEventId(view: AuditView, eventTime: string): string {
  const parts = [
    toNanosecondKey(eventTime),
    (view.resourceId ?? '').toLowerCase(),
    view.operationName,
    view.correlationId ?? '',
    (view.requestUri ?? view.id ?? '').toLowerCase(),
    view.callerIp ?? '',
    view.httpStatusCode ?? view.resultSignature ?? '',
  ];
  return `kv:${sha256Hex(canonicalize(parts))}`;
}

interface Derived {
  eventId: string;
  eventTime: string;
  rawSha256: string;
  ingestTime: Date;
}

function toKmsEvent(view: AuditView, derived: Derived): KmsEvent {
  const key = parseKeyUri(view.id) ?? parseKeyUri(view.requestUri);
  const failed = isFailure(view);
  return {
    v: 1,
    provider: 'azure',
    eventId: derived.eventId,
    eventTime: derived.eventTime,
    ingestTime: derived.ingestTime.toISOString(),
    operation: normaliseAzureOperation(view.operationName),
    rawOperation: view.operationName,
    keyId: key?.keyId ?? null,
    keyVersion: key?.keyVersion ?? null,
    principal: principalFromClaims(view.claims),
    account: subscriptionOf(view.resourceId),
    region: null,
    sourceIp: view.callerIp ?? null,
    userAgent: view.clientInfo ?? null,
    outcome: failed ? 'failure' : 'success',
    errorCode: failed ? (view.resultSignature ?? (view.httpStatusCode === undefined ? (view.resultType ?? 'failed') : String(view.httpStatusCode))) : null,
    joinKeys: joinKeysOf(view.correlationId),
    invokedBy: invokedByOf(view),
    rawSha256: derived.rawSha256,
  };
}

/**
 * The logged correlationId is contested (providers.md §3.3): the docs call it a GUID the client may
 * pass (x-ms-client-request-id), the Key Vault team says it is the server's x-ms-request-id. keytrail
 * offers it under both keys, so an app event joins whether it reports the id the service returned
 * (`kmsRequestId`) or the one it sent (`correlationId`); the log has no separate client request id.
 */
function joinKeysOf(correlationId: string | undefined): JoinKeys {
  if (correlationId === undefined || correlationId === ZERO_GUID) return {};
  return { requestId: correlationId, correlationId };
}

function isFailure(view: AuditView): boolean {
  if (view.httpStatusCode !== undefined) return view.httpStatusCode < 200 || view.httpStatusCode >= 300;
  if (view.resultType !== undefined) return view.resultType !== 'Success';
  return view.resultSignature !== undefined && view.resultSignature !== 'OK';
}

/** Calls no user request explains: a trusted Azure service, a service's own managed identity, Event Grid, or the rotation scheduler. */
function invokedByOf(view: AuditView): string | null {
  if (view.trustedService !== undefined) return view.trustedService;
  const service = serviceOfManagedIdentity(view.claims.xms_mirid);
  if (service !== null) return service;
  if (view.operationName.endsWith('EventGridNotification')) return 'Microsoft.EventGrid';
  if (view.operationName === 'KeyRotateIfDue') return 'Microsoft.KeyVault';
  return null;
}

function withoutHelperColumns(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const entries = Object.entries(value);
  if (!entries.some(([key]) => key.startsWith(HELPER_COLUMN_PREFIX))) return value;
  return Object.fromEntries(entries.filter(([key]) => !key.startsWith(HELPER_COLUMN_PREFIX)));
}
