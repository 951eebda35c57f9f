import type { IngestedAppEvent } from '../core/schemas/app-event.ts';
import type { KmsEvent } from '../core/schemas/kms-event.ts';
import type { AttributedRecord, JoinRule, RecordKind } from '../core/schemas/record.ts';
import { appInputId, computeRecordId, kmsInputId } from './record-id.ts';

/** Builds a record from the events it covers; which fields come from which side is decided only here. */
export function buildRecord(
  kind: RecordKind,
  parts: { kms?: KmsEvent; app?: IngestedAppEvent; rule?: JoinRule; reason?: string },
): AttributedRecord {
  const { kms, app } = parts;
  const inputs = [...(kms === undefined ? [] : [kmsInputId(kms.provider, kms.eventId)]), ...(app === undefined ? [] : [appInputId(app.event.eventId)])];
  if (inputs.length === 0) throw new RangeError('a record needs at least one input event');
  const appEvent = app?.event;
  return {
    v: 1,
    id: computeRecordId(kind, inputs),
    kind,
    rule: parts.rule ?? null,
    reason: parts.reason ?? null,
    eventTime: kms?.eventTime ?? new Date(appEvent!.time).toISOString(),
    provider: kms?.provider ?? appEvent!.provider,
    operation: kms?.operation ?? appEvent!.operation,
    keyId: kms?.keyId ?? appEvent?.keyId ?? null,
    user: appEvent?.user ?? null,
    app: appEvent?.app ?? null,
    principal: kms?.principal?.id ?? null,
    kmsEvent: kms ?? null,
    appEvent: app ?? null,
    linkedKmsEvents: [],
    corrects: null,
  };
}
