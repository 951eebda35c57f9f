import { z } from 'zod';
import { Hex64, Provider, Rfc3339Time, UtcTime } from './common.ts';

const NonEmpty = z.string().min(1);

/**
 * App event v1: what an application reports about one use of a KMS key on behalf of a user.
 * Unknown extra fields are kept, not rejected.
 */
export const AppEvent = z
  .looseObject({
    eventId: NonEmpty.describe('Unique per event; duplicates are dropped and counted'),
    time: Rfc3339Time,
    app: NonEmpty,
    user: z.looseObject({ id: NonEmpty, tenant: NonEmpty.optional() }),
    operation: NonEmpty.describe('What the application did, e.g. decrypt or encrypt'),
    provider: Provider,
    keyId: NonEmpty,
    kmsRequestId: NonEmpty.optional().describe('The request id the provider returned for the KMS call (AWS $metadata.requestId, Azure x-ms-request-id, Vault request_id)'),
    correlationId: NonEmpty.optional().describe('The correlation id the application sent (Azure x-ms-client-request-id, Vault X-Correlation-Id, GCP token)'),
    cacheHit: z.boolean().optional(),
    dataKey: z
      .looseObject({
        id: NonEmpty,
        originKmsRequestId: NonEmpty.describe('The request id of the KMS call that produced the data key (for GCP: the token placed in that call)'),
        originCorrelationId: NonEmpty.optional().describe('The correlation id sent with that call (Vault X-Correlation-Id); needed to find it when the provider is keyed by it'),
      })
      .optional(),
    principal: NonEmpty.optional().describe('The identity the application called KMS as (GCP service account email, ...); used only by the heuristic rule'),
    resource: NonEmpty.optional(),
    dataClass: NonEmpty.optional(),
    outcome: z.enum(['success', 'failure']).optional(),
    requestId: NonEmpty.optional().describe('The id of the user\'s own request to the application'),
  })
  .superRefine((event, context) => {
    if (event.cacheHit === true && event.dataKey === undefined) {
      context.addIssue({ code: 'custom', path: ['dataKey'], message: 'cacheHit is true, so dataKey {id, originKmsRequestId} is required' });
    }
    if (event.cacheHit !== true && event.kmsRequestId === undefined && event.correlationId === undefined && event.provider !== 'gcp') {
      context.addIssue({
        code: 'custom',
        path: ['kmsRequestId'],
        message: 'an event without a cache hit needs the join key of its KMS call: kmsRequestId or correlationId',
      });
    }
  })
  .describe('Application encryption event, version 1');
export type AppEvent = z.infer<typeof AppEvent>;

/** An app event as published on app.events: the application's object unchanged, plus where and when keytrail got it. */
export const IngestedAppEvent = z
  .strictObject({
    v: z.literal(1),
    source: NonEmpty.describe('Where the event came from: file path, HTTP intake or Kafka topic'),
    ingestTime: UtcTime,
    rawSha256: Hex64.describe('SHA-256 of the RFC 8785 canonical form of the event as received'),
    event: AppEvent,
  })
  .describe('An application event with keytrail\'s ingest metadata');
export type IngestedAppEvent = z.infer<typeof IngestedAppEvent>;
