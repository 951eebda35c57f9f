import type { AppEvent } from './schemas/app-event.ts';
import type { Provider } from './schemas/common.ts';
import type { KmsEvent } from './schemas/kms-event.ts';

/**
 * The bus key of an event. Both halves of every join must produce the same key, so that one correlator
 * instance owns them; the correlator also joins only events with equal keys, so the records do not
 * depend on how many partitions or instances there are. Per provider, the key is the id both sides
 * are sure to carry:
 *
 * - aws: the KMS request id (CloudTrail requestID = the SDK's $metadata.requestId).
 * - azure: the id Key Vault logs as correlationId. Key Vault's team states this is the server's
 *   x-ms-request-id, which the application reports as kmsRequestId; an application whose vault logs its
 *   x-ms-client-request-id instead reports that one alone, as correlationId.
 * - vault: the audited X-Correlation-Id when the application sends one (Vault >= 1.17 audits it by
 *   default, and it is the only id a failed call returns), else request.id (the response's request_id).
 * - gcp: the token the application placed in its user agent or request reason.
 *
 * Events without such an id are keyed by their key (GCP's key version suffix removed), which is where
 * the heuristic rule looks for candidates. A cache hit is keyed like the KMS call that made its data key.
 */
export function kmsEventPartitionKey(event: KmsEvent): string {
  const id = primaryKmsId(event);
  if (id !== undefined) return idKey(event.provider, id);
  return event.keyId === null ? `${event.provider}:event:${event.eventId}` : keyNameKey(event.provider, event.keyId);
}

export function appEventPartitionKey(event: AppEvent): string {
  const id = event.cacheHit === true ? primaryOriginId(event) : primaryAppId(event.provider, event.kmsRequestId, event.correlationId);
  return id === undefined ? keyNameKey(event.provider, event.keyId) : idKey(event.provider, id);
}

function primaryKmsId(event: KmsEvent): string | undefined {
  const keys = event.joinKeys;
  switch (event.provider) {
    case 'aws':
      return keys.requestId;
    case 'azure':
      return keys.requestId ?? keys.correlationId ?? keys.clientRequestId;
    case 'vault':
      return keys.correlationId ?? keys.requestId;
    case 'gcp':
      return keys.token;
  }
}

function primaryAppId(provider: Provider, requestId: string | undefined, correlationId: string | undefined): string | undefined {
  switch (provider) {
    case 'aws':
    case 'azure':
      return requestId ?? correlationId;
    case 'vault':
      return correlationId ?? requestId;
    case 'gcp':
      return correlationId;
  }
}

/** A cache hit names its data key's call by that call's request id (GCP: its token) and, for Vault, its correlation id. */
function primaryOriginId(event: AppEvent): string | undefined {
  const origin = event.dataKey;
  if (origin === undefined) return undefined;
  return event.provider === 'vault' ? (origin.originCorrelationId ?? origin.originKmsRequestId) : origin.originKmsRequestId;
}

function idKey(provider: Provider, id: string): string {
  return `${provider}:id:${id}`;
}

function keyNameKey(provider: Provider, keyId: string): string {
  return `${provider}:key:${normaliseKeyName(keyId)}`;
}

/** GCP audit records name a key version for some operations (AsymmetricSign) and the key for others. */
export function normaliseKeyName(keyId: string): string {
  return keyId.replace(/\/cryptoKeyVersions\/[^/]+$/, '');
}
