import { schemaError } from '../../core/schema-error.ts';
import type { EventAttributes, KmsEvent } from '../../core/schemas/kms-event.ts';
import { rawRecordSha256, toKmsEventResult } from '../kms-message.ts';
import type { NormaliseContext, NormaliseResult } from '../source.ts';
import { detectInvokedBy } from './invoked-by.ts';
import { normaliseAwsOperation } from './operations.ts';
import { CloudTrailRecord } from './record.ts';

export const KMS_EVENT_SOURCE = 'kms.amazonaws.com';

/**
 * CloudTrail record (from a log file or LookupEvents' CloudTrailEvent) → KmsEvent. The event is keyed on
 * `eventID` (unique per delivered copy); `requestID` is only a join key, since it can be shared (EC2's
 * RunInstances and its CreateGrant) or absent (RotateKey service events).
 */
export function normaliseCloudTrailRecord(value: unknown, context: NormaliseContext): NormaliseResult {
  const parsed = CloudTrailRecord.safeParse(value);
  if (!parsed.success) throw schemaError('INGEST_AWS_RECORD_INVALID', 'CloudTrail record is invalid', parsed.error);
  const record = parsed.data;
  if (record.eventSource !== KMS_EVENT_SOURCE) return { kind: 'filtered', reason: `eventSource ${record.eventSource} is not ${KMS_EVENT_SOURCE}` };
  const event = toKmsEvent(record, rawRecordSha256(value), context.ingestTime);
  return toKmsEventResult(event, event.eventId);
}

function toKmsEvent(record: CloudTrailRecord, rawSha256: string, ingestTime: Date): KmsEvent {
  const identity = record.userIdentity;
  const invokedBy = detectInvokedBy(record);
  const keys = keyArns(record);
  const principalId = identity?.arn ?? identity?.principalId ?? (identity?.type === 'AWSService' ? (identity.invokedBy ?? null) : null);
  const event: KmsEvent = {
    v: 1,
    provider: 'aws',
    eventId: record.eventID,
    eventTime: record.eventTime,
    ingestTime: ingestTime.toISOString(),
    operation: normaliseAwsOperation(record.eventName),
    rawOperation: record.eventName,
    keyId: keys[0] ?? record.requestParameters?.keyId ?? record.responseElements?.keyMetadata?.arn ?? record.serviceEventDetails?.keyId ?? null,
    keyVersion: record.additionalEventData?.keyMaterialId ?? record.serviceEventDetails?.currentKeyMaterialId ?? null,
    principal: principalId === null ? null : { id: principalId, type: identity?.type ?? null },
    account: record.recipientAccountId ?? identity?.accountId ?? null,
    region: record.awsRegion,
    sourceIp: record.sourceIPAddress,
    userAgent: record.userAgent,
    outcome: record.errorCode === null ? 'success' : 'failure',
    errorCode: record.errorCode,
    joinKeys: record.requestID === null ? {} : { requestId: record.requestID },
    invokedBy: invokedBy?.service ?? null,
    rawSha256,
  };
  const attributes = attributesOf(record, keys, invokedBy?.evidence ?? null);
  return Object.keys(attributes).length === 0 ? event : { ...event, attributes };
}

/** KMS key ARNs in resources[], in order (ReEncrypt lists the source, then the destination key). */
function keyArns(record: CloudTrailRecord): string[] {
  const arns: string[] = [];
  for (const resource of record.resources ?? []) {
    const arn = resource.ARN;
    // Older records omit `type`; a KMS key ARN is recognisable on its own.
    if (arn !== null && (resource.type === 'AWS::KMS::Key' || (resource.type === null && /^arn:aws[a-z-]*:kms:[^:]*:\d*:key\//.test(arn)))) arns.push(arn);
  }
  return arns;
}

function attributesOf(record: CloudTrailRecord, keys: string[], invokedByEvidence: string | null): EventAttributes {
  const attributes: EventAttributes = {};
  const identity = record.userIdentity;
  const set = (name: string, value: string | boolean | null | undefined): void => {
    if (value !== null && value !== undefined) attributes[name] = value;
  };
  set('eventType', record.eventType);
  set('sharedEventID', record.sharedEventID);
  set('errorMessage', record.errorMessage);
  // The key as the caller named it (alias, bare id) when CloudTrail also resolved it to an ARN.
  if (keys[0] !== undefined && record.requestParameters?.keyId !== keys[0]) set('keyIdAsSent', record.requestParameters?.keyId);
  if (record.eventName === 'ReEncrypt') set('destinationKeyId', keys[1] ?? record.requestParameters?.destinationKeyId);
  set('sourceIdentity', identity?.sessionContext?.sourceIdentity);
  // Cross-account calls: the caller's account differs from the account whose trail holds the record.
  if (identity?.accountId != null && record.recipientAccountId !== null && identity.accountId !== record.recipientAccountId) set('callerAccountId', identity.accountId);
  const keyAccount = record.resources?.find((resource) => resource.ARN === keys[0])?.accountId;
  if (keyAccount != null && keyAccount !== (record.recipientAccountId ?? identity?.accountId)) set('keyAccountId', keyAccount);
  set('rotationType', record.serviceEventDetails?.rotationType);
  set('invokedByEvidence', invokedByEvidence);
  return attributes;
}
