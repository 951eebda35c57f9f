import { canonicalBytes } from '../core/canonical-json.ts';
import { sha256Hex } from '../core/hash.ts';
import { kmsEventPartitionKey } from '../core/partition-key.ts';
import { HEADER_INGEST_TIME, HEADER_SCHEMA_VERSION } from '../core/ports.ts';
import { KmsEvent } from '../core/schemas/kms-event.ts';
import { schemaError } from '../core/schema-error.ts';
import type { NormaliseResult } from './source.ts';

/** SHA-256 of the RFC 8785 canonical form of the provider record as parsed (the same whichever path delivered it). */
export function rawRecordSha256(record: unknown): string {
  return sha256Hex(canonicalBytes(record));
}

/**
 * A normalised KMS event as a bus message. The event is checked against the published schema first,
 * so a normaliser bug surfaces as a coded dead letter rather than as a message the correlator rejects.
 */
export function toKmsEventResult(event: KmsEvent, dedupKey: string): NormaliseResult {
  const checked = KmsEvent.safeParse(event);
  if (!checked.success) throw schemaError('INGEST_NORMALISER_FAILED', `normalised ${event.provider} event does not match KmsEvent`, checked.error);
  return {
    kind: 'event',
    dedupKey,
    message: {
      key: kmsEventPartitionKey(checked.data),
      value: canonicalBytes(checked.data),
      headers: { [HEADER_SCHEMA_VERSION]: '1', [HEADER_INGEST_TIME]: checked.data.ingestTime },
    },
  };
}
