import { canonicalBytes } from '../core/canonical-json.ts';
import { sha256Hex } from '../core/hash.ts';
import type { RecordKind } from '../core/schemas/record.ts';

/** The id an input event is known by inside record ids. */
export function kmsInputId(provider: string, eventId: string): string {
  return `kms:${provider}:${eventId}`;
}

export function appInputId(eventId: string): string {
  return `app:${eventId}`;
}

/**
 * Record id = SHA-256 of the RFC 8785 form of {kind, inputs} with the input ids sorted, so a replay of
 * the same inputs yields the same id and the sealer can drop it as a duplicate.
 */
export function computeRecordId(kind: RecordKind, inputIds: readonly string[]): string {
  return sha256Hex(canonicalBytes({ kind, inputs: [...inputIds].sort() }));
}
