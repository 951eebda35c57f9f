import { z } from 'zod';
import { Hex64, Provider, UtcTime } from './common.ts';
import { Operation } from './operations.ts';

/**
 * The keys a KMS event exposes for joining with application events. Which ones are present depends
 * on the provider: AWS requestID, Azure correlationId and the server request id, Vault request.id and
 * the audited X-Correlation-Id header, GCP a token the application placed in its user agent or reason.
 */
export const JoinKeys = z
  .strictObject({
    requestId: z.string().min(1).optional().describe('Provider request id (AWS requestID, Azure x-ms-request-id, Vault request.id)'),
    correlationId: z.string().min(1).optional().describe('Caller-chosen correlation id (Azure correlationId, Vault X-Correlation-Id)'),
    clientRequestId: z.string().min(1).optional().describe('Azure x-ms-client-request-id when it differs from correlationId'),
    token: z.string().min(1).optional().describe('A token the application placed in the request (GCP user agent or request reason)'),
  })
  .describe('Join keys the provider exposes for this call');
export type JoinKeys = z.infer<typeof JoinKeys>;

/**
 * Provider facts an auditor wants beside the normalised fields, never used to join: the destination key of a
 * re-encrypt, the item count of a batch call, a key created implicitly, the caller's display name, ...
 * Each provider's keys are listed in the README ("Normalised KMS events").
 */
export const EventAttributes = z
  .record(z.string().min(1), z.union([z.string(), z.number(), z.boolean(), z.null()]))
  .describe('Provider-specific facts about the call (scalar values only)');
export type EventAttributes = z.infer<typeof EventAttributes>;

export const KmsEvent = z
  .strictObject({
    v: z.literal(1),
    provider: Provider,
    eventId: z.string().min(1).describe('The provider\'s native event id (CloudTrail eventID, GCP insertId, ...)'),
    eventTime: UtcTime.describe('When the provider says the call happened'),
    ingestTime: UtcTime.describe('When keytrail read the record; never mixed with eventTime'),
    operation: Operation,
    rawOperation: z.string().min(1).describe('The provider\'s operation name, unchanged'),
    keyId: z.string().min(1).nullable().describe('Key identifier as the provider names it (ARN, resource name, key URI)'),
    keyVersion: z.string().min(1).nullable(),
    principal: z
      .strictObject({
        id: z.string().min(1),
        type: z.string().min(1).nullable(),
        delegationChain: z
          .array(z.string().min(1))
          .optional()
          .describe('Identities the call was delegated through before reaching `id`, original authority first (GCP serviceAccountDelegationInfo)'),
      })
      .nullable()
      .describe('Who the provider says called: a role, service account, object id or token display name'),
    account: z.string().min(1).nullable().describe('Account, project, subscription or namespace'),
    region: z.string().min(1).nullable(),
    sourceIp: z.string().min(1).nullable(),
    userAgent: z.string().min(1).nullable(),
    outcome: z
      .enum(['success', 'failure', 'unknown'])
      .describe('unknown: the provider logged the request but never its result (a Vault request entry without a response entry)'),
    errorCode: z.string().min(1).nullable(),
    joinKeys: JoinKeys,
    invokedBy: z.string().min(1).nullable().describe('The service that called KMS on the principal\'s behalf (S3 SSE-KMS, EBS, ...)'),
    longRunning: z
      .strictObject({ id: z.string().min(1), first: z.boolean(), last: z.boolean() })
      .optional()
      .describe('A long-running operation the provider logs as several entries (GCP operation.first / operation.last share one id)'),
    rawSha256: Hex64.describe('SHA-256 of the RFC 8785 canonical form of the provider record as parsed: the same record in the same shape hashes the same whichever path delivered it (an Azure record exported as a Log Analytics row is another shape)'),
    attributes: EventAttributes.optional(),
  })
  .describe('A KMS audit event normalised from one provider record');
export type KmsEvent = z.infer<typeof KmsEvent>;
