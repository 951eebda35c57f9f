import type { AppEvent } from './schemas/app-event.ts';
import type { KmsEvent } from './schemas/kms-event.ts';

/**
 * The bus key of an event: both sides of a join must produce the same key so that one correlator
 * instance sees both. An app event that reused a cached data key is keyed by the KMS request that
 * produced the data key, which is where that KMS event lives.
 */
export function kmsEventPartitionKey(event: KmsEvent): string {
  const keys = event.joinKeys;
  return `${event.provider}:${keys.requestId ?? keys.correlationId ?? keys.token ?? `event:${event.eventId}`}`;
}

export function appEventPartitionKey(event: AppEvent): string {
  const joinKey = event.cacheHit === true ? event.dataKey?.originKmsRequestId : (event.kmsRequestId ?? event.correlationId);
  return `${event.provider}:${joinKey ?? `app:${event.eventId}`}`;
}
