import { canonicalBytes } from '../../src/core/canonical-json.ts';
import { sha256Hex } from '../../src/core/hash.ts';
import { kmsEventPartitionKey } from '../../src/core/partition-key.ts';
import { HEADER_INGEST_TIME, HEADER_SCHEMA_VERSION, type OutgoingMessage } from '../../src/core/ports.ts';
import type { Provider } from '../../src/core/schemas/common.ts';
import type { JoinKeys, KmsEvent } from '../../src/core/schemas/kms-event.ts';
import type { Operation } from '../../src/core/schemas/operations.ts';
import { normaliseCloudTrailRecord } from '../../src/ingest/aws/normalise.ts';
import { renderCloudTrailRecord } from './cloudtrail.ts';

/**
 * One KMS call as the scenario knows it, before any provider's record format. A renderer turns it into
 * the provider's raw record where a normaliser exists (AWS: a CloudTrail record through the real
 * normaliser); for the other providers it becomes the KmsEvent their normalisers are specified to produce.
 */
export interface KmsCall {
  provider: Provider;
  eventId: string;
  timeMs: number;
  operation: Operation;
  keyId: string;
  principal: { id: string; type: string } | null;
  outcome: 'success' | 'failure';
  joinKeys: JoinKeys;
  /** A service calling on the principal's behalf (S3 SSE-KMS), or "AWS Internal" for KMS's own events. */
  invokedBy: string | null;
  sourceIp: string;
}

/** The bus message an ingestor would publish for this call, ingested at `arrivalMs`. */
export function renderKmsMessage(call: KmsCall, arrivalMs: number): OutgoingMessage {
  const ingestTime = new Date(arrivalMs);
  if (call.provider === 'aws') {
    const result = normaliseCloudTrailRecord(renderCloudTrailRecord(call), { source: 'scenario', ingestTime });
    if (result.kind !== 'event') throw new Error(`scenario rendered a CloudTrail record the normaliser filtered: ${result.reason}`);
    return result.message;
  }
  const event = toKmsEvent(call, ingestTime);
  return { key: kmsEventPartitionKey(event), value: canonicalBytes(event), headers: { [HEADER_SCHEMA_VERSION]: '1', [HEADER_INGEST_TIME]: event.ingestTime } };
}

const RAW_OPERATIONS: Record<Exclude<Provider, 'aws'>, Partial<Record<Operation, string>>> = {
  gcp: { encrypt: 'Encrypt', decrypt: 'Decrypt', rotate: 'UpdateCryptoKeyPrimaryVersion', 'create-key': 'CreateCryptoKeyVersion', destroy: 'DestroyCryptoKeyVersion' },
  azure: { wrap: 'KeyWrap', unwrap: 'KeyUnwrap', encrypt: 'KeyEncrypt', decrypt: 'KeyDecrypt', rotate: 'KeyRotate', 'create-key': 'KeyCreate', destroy: 'KeyDelete' },
  vault: { encrypt: 'update transit/encrypt', decrypt: 'update transit/decrypt', 'generate-data-key': 'update transit/datakey/wrapped', rotate: 'update transit/keys/rotate' },
};

function toKmsEvent(call: KmsCall, ingestTime: Date): KmsEvent {
  const provider = call.provider as Exclude<Provider, 'aws'>;
  return {
    v: 1,
    provider: call.provider,
    eventId: call.eventId,
    eventTime: new Date(call.timeMs).toISOString(),
    ingestTime: ingestTime.toISOString(),
    operation: call.operation,
    rawOperation: RAW_OPERATIONS[provider][call.operation] ?? call.operation,
    keyId: call.keyId,
    keyVersion: null,
    principal: call.principal,
    account: null,
    region: null,
    sourceIp: call.sourceIp,
    userAgent: null,
    outcome: call.outcome,
    errorCode: call.outcome === 'failure' ? 'PERMISSION_DENIED' : null,
    joinKeys: call.joinKeys,
    invokedBy: call.invokedBy,
    rawSha256: sha256Hex(canonicalBytes(call)),
  };
}
