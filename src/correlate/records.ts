import type { IngestedAppEvent } from '../core/schemas/app-event.ts';
import type { KmsEvent } from '../core/schemas/kms-event.ts';
import type { AttributedRecord, JoinRule, RecordKind, RecordReason } from '../core/schemas/record.ts';
import { appInputId, computeRecordId, kmsInputId } from './record-id.ts';

export interface RecordParts {
  kms?: KmsEvent;
  app?: IngestedAppEvent;
  /** KMS events the record refers to but does not hold (a cache hit's originating call). */
  linked?: readonly KmsEvent[];
  rule?: JoinRule;
  reason?: RecordReason;
  /** Correction records: the id of the record they amend. */
  corrects?: string;
}

/** Builds a record from the events it covers; which fields come from which side is decided only here. */
export function buildRecord(kind: RecordKind, parts: RecordParts): AttributedRecord {
  const { kms, app } = parts;
  const linked = parts.linked ?? [];
  const inputs = [
    ...(kms === undefined ? [] : [kmsInputId(kms.provider, kms.eventId)]),
    ...(app === undefined ? [] : [appInputId(app.event.eventId)]),
    ...linked.map((event) => kmsInputId(event.provider, event.eventId)),
  ];
  if (inputs.length === 0) throw new RangeError('a record needs at least one input event');
  const appEvent = app?.event;
  const origin = kms ?? linked[0];
  return {
    v: 1,
    id: computeRecordId(kind, inputs),
    kind,
    rule: parts.rule ?? null,
    reason: parts.reason ?? null,
    eventTime: kms?.eventTime ?? (appEvent === undefined ? origin!.eventTime : new Date(appEvent.time).toISOString()),
    provider: kms?.provider ?? appEvent?.provider ?? origin!.provider,
    operation: kms?.operation ?? appEvent?.operation ?? origin!.operation,
    keyId: origin?.keyId ?? appEvent?.keyId ?? null,
    user: appEvent?.user ?? null,
    app: appEvent?.app ?? null,
    principal: origin?.principal?.id ?? null,
    kmsEvent: kms ?? null,
    appEvent: app ?? null,
    linkedKmsEvents: linked.map((event) => ({ provider: event.provider, eventId: event.eventId })),
    corrects: parts.corrects === undefined ? null : { recordId: parts.corrects, seq: null },
  };
}
