import { z } from 'zod';
import { canonicalBytes } from '../../core/canonical-json.ts';
import { sha256Hex } from '../../core/hash.ts';
import { kmsEventPartitionKey } from '../../core/partition-key.ts';
import { HEADER_INGEST_TIME, HEADER_SCHEMA_VERSION } from '../../core/ports.ts';
import { schemaError } from '../../core/schema-error.ts';
import type { KmsEvent } from '../../core/schemas/kms-event.ts';
import type { NormaliseContext, NormaliseResult } from '../source.ts';
import { normaliseAwsOperation } from './operations.ts';

export const KMS_EVENT_SOURCE = 'kms.amazonaws.com';

const OptionalText = z.string().min(1).nullish();

/**
 * The CloudTrail record fields keytrail reads (CloudTrail record contents reference). Everything else
 * is allowed and travels only as part of the raw record's hash.
 */
const CloudTrailRecord = z.looseObject({
  eventVersion: z.string().optional(),
  eventID: z.string().min(1),
  eventTime: z.iso.datetime({ offset: false }),
  eventSource: z.string().min(1),
  eventName: z.string().min(1),
  eventType: z.string().optional(),
  awsRegion: OptionalText,
  sourceIPAddress: OptionalText,
  userAgent: OptionalText,
  requestID: OptionalText,
  errorCode: OptionalText,
  recipientAccountId: OptionalText,
  userIdentity: z
    .looseObject({ type: OptionalText, principalId: OptionalText, arn: OptionalText, accountId: OptionalText, invokedBy: OptionalText })
    .nullish(),
  requestParameters: z.looseObject({ keyId: OptionalText }).nullish(),
  resources: z.array(z.looseObject({ ARN: OptionalText, type: OptionalText })).nullish(),
  additionalEventData: z.looseObject({ keyMaterialId: OptionalText }).nullish(),
  serviceEventDetails: z.looseObject({ currentKeyMaterialId: OptionalText }).nullish(),
});
type CloudTrailRecord = z.infer<typeof CloudTrailRecord>;

/** CloudTrail record (from a log file or LookupEvents' CloudTrailEvent) → KmsEvent. */
export function normaliseCloudTrailRecord(value: unknown, context: NormaliseContext): NormaliseResult {
  const parsed = CloudTrailRecord.safeParse(value);
  if (!parsed.success) throw schemaError('INGEST_AWS_RECORD_INVALID', 'CloudTrail record is invalid', parsed.error);
  const record = parsed.data;
  if (record.eventSource !== KMS_EVENT_SOURCE) return { kind: 'filtered', reason: `eventSource ${record.eventSource} is not ${KMS_EVENT_SOURCE}` };
  const event = toKmsEvent(record, sha256Hex(canonicalBytes(value)), context.ingestTime);
  const ingestTime = event.ingestTime;
  return {
    kind: 'event',
    dedupKey: event.eventId,
    message: {
      key: kmsEventPartitionKey(event),
      value: canonicalBytes(event),
      headers: { [HEADER_SCHEMA_VERSION]: '1', [HEADER_INGEST_TIME]: ingestTime },
    },
  };
}

function toKmsEvent(record: CloudTrailRecord, rawSha256: string, ingestTime: Date): KmsEvent {
  const identity = record.userIdentity ?? {};
  const principalId = identity.arn ?? identity.principalId ?? null;
  return {
    v: 1,
    provider: 'aws',
    eventId: record.eventID,
    eventTime: record.eventTime,
    ingestTime: ingestTime.toISOString(),
    operation: normaliseAwsOperation(record.eventName),
    rawOperation: record.eventName,
    keyId: keyIdOf(record),
    keyVersion: record.additionalEventData?.keyMaterialId ?? record.serviceEventDetails?.currentKeyMaterialId ?? null,
    principal: principalId === null ? null : { id: principalId, type: identity.type ?? null },
    account: record.recipientAccountId ?? identity.accountId ?? null,
    region: record.awsRegion ?? null,
    sourceIp: record.sourceIPAddress ?? null,
    userAgent: record.userAgent ?? null,
    outcome: record.errorCode == null ? 'success' : 'failure',
    errorCode: record.errorCode ?? null,
    joinKeys: record.requestID == null ? {} : { requestId: record.requestID },
    invokedBy: invokedByOf(record),
    rawSha256,
  };
}

/** The key ARN from resources[] when CloudTrail resolved it; otherwise the keyId as the caller sent it. */
function keyIdOf(record: CloudTrailRecord): string | null {
  const resource = record.resources?.find((candidate) => candidate.type === 'AWS::KMS::Key' && candidate.ARN != null);
  return resource?.ARN ?? record.requestParameters?.keyId ?? null;
}

/** A service calling KMS for the principal (forward access sessions) names itself in invokedBy or as the source. */
function invokedByOf(record: CloudTrailRecord): string | null {
  const invokedBy = record.userIdentity?.invokedBy;
  if (invokedBy != null) return invokedBy;
  const source = record.sourceIPAddress;
  return source != null && source.endsWith('.amazonaws.com') ? source : null;
}
