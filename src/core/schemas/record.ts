import { z } from 'zod';
import { IngestedAppEvent } from './app-event.ts';
import { Hex64, Provider, UtcTime } from './common.ts';
import { KmsEvent } from './kms-event.ts';

export const RECORD_KINDS = ['attributed', 'unattributed', 'unconfirmed', 'service', 'lifecycle', 'correction'] as const;
export const RecordKind = z.enum(RECORD_KINDS);
export type RecordKind = z.infer<typeof RecordKind>;

export const JOIN_RULES = ['exact', 'cached', 'heuristic'] as const;
export const JoinRule = z.enum(JOIN_RULES);
export type JoinRule = z.infer<typeof JoinRule>;

/**
 * Why a record was emitted the way it was: without a partner because its window closed, because the
 * input ended (--once), because the open-window cap was reached, or because the heuristic rule found
 * more than one candidate; or, for a correction, because a partner arrived after its window closed.
 */
export const RECORD_REASONS = ['window-closed', 'end-of-input', 'capacity', 'heuristic-ambiguous', 'late-partner'] as const;
export const RecordReason = z.enum(RECORD_REASONS);
export type RecordReason = z.infer<typeof RecordReason>;

/** A reference to another event or record, by the ids that replays reproduce. */
export const KmsEventRef = z.strictObject({ provider: Provider, eventId: z.string().min(1) });

/**
 * One correlated record: the answer to "who did this KMS call?", or the explicit statement that
 * nobody is known (unattributed) or that an application's claimed call never appeared (unconfirmed).
 */
export const AttributedRecord = z
  .strictObject({
    v: z.literal(1),
    id: Hex64.describe('SHA-256 over the kind and the sorted ids of the input events; replays reproduce it'),
    kind: RecordKind,
    rule: JoinRule.nullable().describe('The join rule that produced an attributed or correction record; null for every other kind'),
    reason: RecordReason.nullable().describe('Why an unattributed, unconfirmed or correction record was emitted; null otherwise'),
    eventTime: UtcTime.describe('Event time of the KMS call, or of the app event when there is none'),
    provider: Provider,
    operation: z.string().min(1).describe('Normalised KMS operation, or the application\'s operation for unconfirmed records'),
    keyId: z.string().min(1).nullable(),
    user: z.looseObject({ id: z.string().min(1), tenant: z.string().min(1).optional() }).nullable().describe('The end user, from the app event'),
    app: z.string().min(1).nullable(),
    principal: z.string().min(1).nullable().describe('The identity the provider logged for the call'),
    kmsEvent: KmsEvent.nullable(),
    appEvent: IngestedAppEvent.nullable(),
    linkedKmsEvents: z.array(KmsEventRef).describe('KMS events referenced but owned by another record (the data key\'s originating call for cached hits)'),
    corrects: z
      .strictObject({ recordId: Hex64, seq: z.int().nonnegative().nullable() })
      .nullable()
      .describe('For correction records: the earlier record this one amends (the sealer fills seq)'),
  })
  .describe('A correlated KMS record, the payload of one sealed entry');
export type AttributedRecord = z.infer<typeof AttributedRecord>;
