import { schemaError } from '../../core/schema-error.ts';
import type { EventAttributes, KmsEvent } from '../../core/schemas/kms-event.ts';
import { rawRecordSha256, toKmsEventResult } from '../kms-message.ts';
import type { NormaliseContext, NormaliseResult } from '../source.ts';
import { headerValue, isHmacValue, VaultAuditEntry } from './entry.ts';
import { locateTransit, type TransitLocation } from './locate.ts';
import { outcomeOf } from './outcome.ts';
import { parseTransitPath, type TransitCall } from './transit-path.ts';

/**
 * Vault audit entry → KmsEvent, one per request: the response entry carries the whole request as well as its
 * result, so it is the event; a request entry is normalised only when its response never came (outcome
 * `unknown`, unless the request entry already records an error such as "permission denied"). Entries of
 * other mounts are filtered. The event id is `request.id`, the id Vault returns to the caller as request_id.
 */
export function normaliseVaultEntry(value: unknown, context: NormaliseContext): NormaliseResult {
  const parsed = VaultAuditEntry.safeParse(value);
  if (!parsed.success) throw schemaError('INGEST_VAULT_ENTRY_INVALID', 'Vault audit entry is invalid', parsed.error);
  const entry = parsed.data;
  const location = locateTransit(entry);
  if (location === null) return { kind: 'filtered', reason: `${entry.request.path} is not on a transit mount` };
  const call = parseTransitPath(location.relativePath, entry.request.operation, entry.request.data ?? {});
  const event = toKmsEvent(entry, location, call, rawRecordSha256(value), context.ingestTime);
  return toKmsEventResult(event, event.eventId);
}

function toKmsEvent(entry: VaultAuditEntry, location: TransitLocation, call: TransitCall, rawSha256: string, ingestTime: Date): KmsEvent {
  const auth = entry.auth;
  const principalId = auth?.entity_id ?? auth?.display_name ?? null;
  const correlationId = headerValue(entry, 'x-correlation-id') ?? headerValue(entry, 'correlation-id');
  const result = outcomeOf(entry);
  return {
    v: 1,
    provider: 'vault',
    eventId: entry.request.id,
    eventTime: entry.time,
    ingestTime: ingestTime.toISOString(),
    operation: call.operation,
    rawOperation: `${entry.request.operation} ${call.endpoint}`,
    keyId: call.keyName === null ? null : `${location.namespacePath}${location.mountPoint}keys/${call.keyName}`,
    keyVersion: keyVersionOf(entry),
    principal: principalId === null ? null : { id: principalId, type: auth?.entity_id != null ? 'entity' : 'token' },
    account: location.namespacePath === '' ? 'root' : location.namespacePath.replace(/\/$/, ''),
    region: null,
    sourceIp: entry.request.remote_address,
    userAgent: headerValue(entry, 'user-agent'),
    outcome: result.outcome,
    errorCode: result.errorCode,
    joinKeys: correlationId === null ? { requestId: entry.request.id } : { requestId: entry.request.id, correlationId },
    invokedBy: null,
    rawSha256,
    attributes: attributesOf(entry, location, call, result.batch),
  };
}

const VERSIONED = /^vault:v(\d+):/;

/**
 * `key_version` is a number, so HMAC leaves it readable (builtin/logical/transit path_encrypt.go); otherwise
 * the version prefix of a ciphertext, signature or HMAC, when the device logs it raw.
 */
function keyVersionOf(entry: VaultAuditEntry): string | null {
  const response = entry.type === 'response' ? (entry.response?.data ?? {}) : {};
  if (typeof response.key_version === 'number') return String(response.key_version);
  const results = Array.isArray(response.batch_results) ? (response.batch_results as unknown[]) : [];
  const versions = new Set(results.map((item) => (item as { key_version?: unknown } | null)?.key_version).filter((version) => typeof version === 'number'));
  if (versions.size === 1) return String([...versions][0]);
  for (const data of [response, entry.request.data ?? {}]) {
    for (const field of ['ciphertext', 'signature', 'hmac']) {
      const match = typeof data[field] === 'string' ? VERSIONED.exec(data[field]) : null;
      if (match !== null) return match[1]!;
    }
  }
  return null;
}

function attributesOf(entry: VaultAuditEntry, location: TransitLocation, call: TransitCall, batch: { items: number; failures: number } | null): EventAttributes {
  const attributes: EventAttributes = { entryType: entry.type, mount: location.mountPoint };
  const set = (name: string, value: string | number | boolean | null | undefined): void => {
    if (value !== null && value !== undefined) attributes[name] = value;
  };
  set('namespace', location.namespacePath === '' ? null : location.namespacePath);
  set('displayName', entry.auth?.display_name);
  set('tokenType', entry.auth?.token_type);
  set('policies', entry.auth?.policies?.join(','));
  set('forwardedFrom', entry.forwarded_from);
  if (entry.type === 'request') set('responseMissing', true);
  // transit/encrypt upserts a missing key: Vault logs the call as operation "create" (path_encrypt.go).
  if (call.endpoint === 'encrypt/:name' && entry.request.operation === 'create') set('keyCreated', true);
  if (batch !== null) {
    set('batchItems', batch.items);
    set('batchFailures', batch.failures);
  }
  set('dataHmaced', containsHmac(entry.request.data) || containsHmac(entry.response?.data));
  return attributes;
}

function containsHmac(value: unknown): boolean {
  if (isHmacValue(value)) return true;
  if (Array.isArray(value)) return value.some(containsHmac);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(containsHmac);
  return false;
}
