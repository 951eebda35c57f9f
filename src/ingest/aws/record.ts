import { z } from 'zod';

/** Optional text: CloudTrail writes absent values as missing, null or (accessKeyId on service calls) "". */
const Text = z
  .string()
  .nullish()
  .transform((value) => (value === '' || value === undefined ? null : value));

const Resource = z.looseObject({ ARN: Text, type: Text, accountId: Text });

/**
 * The CloudTrail record fields keytrail reads (CloudTrail record contents reference; AWS KMS Developer
 * Guide, ct-*.md examples). Everything else is allowed and travels only as part of the raw record's hash:
 * CreateKey's non-ISO `creationDate`, its policy string, responseElements of any shape.
 */
export const CloudTrailRecord = z.looseObject({
  eventVersion: z.string().optional(),
  eventID: z.string().min(1),
  eventTime: z.iso.datetime({ offset: false }),
  eventSource: z.string().min(1),
  eventName: z.string().min(1),
  eventType: Text,
  awsRegion: Text,
  sourceIPAddress: Text,
  userAgent: Text,
  requestID: Text,
  errorCode: Text,
  errorMessage: Text,
  recipientAccountId: Text,
  sharedEventID: Text,
  readOnly: z.boolean().nullish(),
  userIdentity: z
    .looseObject({
      type: Text,
      principalId: Text,
      arn: Text,
      accountId: Text,
      invokedBy: Text,
      sessionContext: z.looseObject({ sourceIdentity: Text }).nullish(),
    })
    .nullish(),
  requestParameters: z
    .looseObject({
      keyId: Text,
      destinationKeyId: Text,
      encryptionContext: z.record(z.string(), z.unknown()).nullish(),
      sourceEncryptionContext: z.record(z.string(), z.unknown()).nullish(),
    })
    .nullish(),
  responseElements: z.looseObject({ keyMetadata: z.looseObject({ arn: Text }).nullish() }).nullish(),
  resources: z.array(Resource).nullish(),
  additionalEventData: z.looseObject({ keyMaterialId: Text }).nullish(),
  serviceEventDetails: z.looseObject({ keyId: Text, currentKeyMaterialId: Text, rotationType: Text }).nullish(),
});
export type CloudTrailRecord = z.infer<typeof CloudTrailRecord>;
