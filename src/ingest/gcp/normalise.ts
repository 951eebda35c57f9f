import { KeytrailError } from '../../core/errors.ts';
import { schemaError } from '../../core/schema-error.ts';
import type { KmsEvent } from '../../core/schemas/kms-event.ts';
import { rawRecordSha256, toKmsEventResult } from '../kms-message.ts';
import type { NormaliseContext, NormaliseResult } from '../source.ts';
import { toUtcTime } from '../utc-time.ts';
import { AUDIT_LOG_TYPE, AuditLogFields, KMS_SERVICE_NAME, LogEntryFields, RPC_CODE_NAMES } from './audit-entry.ts';
import { joinTokenOf } from './join-token.ts';
import { normaliseGcpOperation } from './operations.ts';
import { principalOf, serviceAgentService } from './principal.ts';
import { logParent, parseKmsResourceName, type KmsResourceName } from './resource-name.ts';

/** Dedup key and event id of an entry: insertId is unique only within its log (LogEntry.insert_id). */
export function gcpEntryId(logName: string, insertId: string): string {
  return `${logName}#${insertId}`;
}

/**
 * Cloud Logging entry (proto3 JSON form) → KmsEvent. Entries of other services or without an AuditLog
 * payload are valid but out of scope and are counted as filtered.
 */
export function normaliseGcpEntry(value: unknown, context: NormaliseContext): NormaliseResult {
  const entry = LogEntryFields.safeParse(value);
  if (!entry.success) throw schemaError('INGEST_GCP_ENTRY_INVALID', 'Cloud Logging entry is invalid', entry.error);
  const payload = entry.data.protoPayload;
  if (payload === undefined) return { kind: 'filtered', reason: 'entry has no protoPayload (not an audit log entry)' };
  if (payload['@type'] !== AUDIT_LOG_TYPE) return { kind: 'filtered', reason: `protoPayload is ${String(payload['@type'])}, not AuditLog` };
  if (payload.serviceName !== KMS_SERVICE_NAME) return { kind: 'filtered', reason: `serviceName ${String(payload.serviceName)} is not ${KMS_SERVICE_NAME}` };
  const audit = AuditLogFields.safeParse(payload);
  if (!audit.success) throw schemaError('INGEST_GCP_ENTRY_INVALID', 'AuditLog payload is invalid', prefixIssues(audit.error));
  const eventTime = toUtcTime(entry.data.timestamp);
  if (eventTime === undefined) {
    throw new KeytrailError('INGEST_GCP_ENTRY_INVALID', `timestamp ${JSON.stringify(entry.data.timestamp)} is not RFC 3339`, { details: { problems: [{ path: 'timestamp', message: 'not RFC 3339' }] } });
  }
  const id = gcpEntryId(entry.data.logName, entry.data.insertId);
  const event = toKmsEvent(entry.data, audit.data, { id, eventTime, rawSha256: rawRecordSha256(value), ingestTime: context.ingestTime });
  return toKmsEventResult(event, id);
}

interface Derived {
  id: string;
  eventTime: string;
  rawSha256: string;
  ingestTime: Date;
}

function toKmsEvent(entry: LogEntryFields, audit: AuditLogFields, derived: Derived): KmsEvent {
  const key = keyOf(audit);
  const metadata = audit.requestMetadata;
  const principal = principalOf(audit.authenticationInfo);
  const token = joinTokenOf(metadata?.callerSuppliedUserAgent, metadata?.requestAttributes?.reason);
  const errorCode = errorCodeOf(audit);
  const event: KmsEvent = {
    v: 1,
    provider: 'gcp',
    eventId: derived.id,
    eventTime: derived.eventTime,
    ingestTime: derived.ingestTime.toISOString(),
    operation: normaliseGcpOperation(audit.methodName, audit.request),
    rawOperation: audit.methodName,
    keyId: key.keyId,
    keyVersion: key.keyVersion,
    principal,
    account: key.project ?? nonEmpty(entry.resource?.labels?.project_id) ?? logParent(entry.logName),
    region: key.location ?? nonEmpty(entry.resource?.labels?.location) ?? null,
    sourceIp: nonEmpty(metadata?.callerIp) ?? null,
    userAgent: nonEmpty(metadata?.callerSuppliedUserAgent) ?? null,
    outcome: errorCode === null ? 'success' : 'failure',
    errorCode,
    joinKeys: token === undefined ? {} : { token },
    // Google service agents (CMEK use by Cloud Storage, BigQuery, ...; `callerIp: "private"`) never act
    // for a user request keytrail could see, so the correlator must never join them.
    invokedBy: principal?.type === 'serviceAgent' ? serviceAgentService(principal.id) : null,
    rawSha256: derived.rawSha256,
  };
  const operation = entry.operation;
  if (operation?.id !== undefined && operation.id !== '') {
    event.longRunning = { id: operation.id, first: operation.first === true, last: operation.last === true };
  }
  return event;
}

/**
 * The key and version. resourceName names the key (Encrypt/Decrypt) or a version (AsymmetricSign,
 * MacSign, DestroyCryptoKeyVersion); when it names only the key or its key ring, the logged response
 * (`name` of the key or version, the `primary` version, Autokey's `kmsKey`) fills in what it can, and
 * else the request: CreateCryptoKey's `parent` and `cryptoKeyId` name the key even when the call failed
 * and logged no response, so an attempt and a success are filed under the same key.
 */
function keyOf(audit: AuditLogFields): KmsResourceName {
  const named = parseKmsResourceName(audit.resourceName);
  const primary = audit.response?.primary;
  const primaryName = typeof primary === 'object' && primary !== null ? (primary as { name?: unknown }).name : undefined;
  const { parent, cryptoKeyId } = audit.request ?? {};
  const requested = typeof parent === 'string' && typeof cryptoKeyId === 'string' && cryptoKeyId !== '' ? `${parent}/cryptoKeys/${cryptoKeyId}` : undefined;
  const fromResponse = [audit.response?.name, audit.response?.kmsKey, primaryName, requested]
    .filter((candidate): candidate is string => typeof candidate === 'string')
    .map((candidate) => parseKmsResourceName(candidate))
    .filter((candidate) => candidate.isCryptoKey);
  const resolved = named.isCryptoKey ? named : (fromResponse[0] ?? named);
  if (resolved.keyVersion !== null) return resolved;
  const version = fromResponse.find((candidate) => candidate.keyId === resolved.keyId && candidate.keyVersion !== null)?.keyVersion ?? null;
  return { ...resolved, keyVersion: version };
}

/** status.code 0 or absent is OK (audit_log.proto); a denied permission without a status is a failure too. */
function errorCodeOf(audit: AuditLogFields): string | null {
  const code = audit.status?.code;
  if (code !== undefined && code !== 0) return RPC_CODE_NAMES[code] ?? String(code);
  if (audit.authorizationInfo?.some((check) => check.granted === false) === true) return 'PERMISSION_DENIED';
  return null;
}

function prefixIssues<T extends { issues: { path: PropertyKey[] }[] }>(error: T): T {
  for (const issue of error.issues) issue.path = ['protoPayload', ...issue.path];
  return error;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
