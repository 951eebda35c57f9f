import type { Provider } from '../../src/core/schemas/common.ts';
import type { JoinKeys } from '../../src/core/schemas/kms-event.ts';
import type { Operation } from '../../src/core/schemas/operations.ts';
import type { Random } from './random.ts';

/** A principal as the scenario knows it: `id` is what the provider's normaliser reports, `name` a display name or UPN. */
export interface Principal {
  id: string;
  type: string;
  name?: string;
}

/** GCP: where an application puts its keytrail token (docs/ingest-gcp.md, "Joining GCP calls"). */
export type TokenStyle = 'user-agent' | 'reason' | 'bare-reason';

/**
 * One KMS call as the scenario knows it, before any provider's record format. The renderers
 * (`cloudtrail.ts`, `gcp-entry.ts`, `azure-record.ts`, `vault-entry.ts`) turn it into the provider's raw
 * records, which reach the correlator only through the real ingest path (`ingest.ts`).
 */
export interface KmsCall {
  provider: Provider;
  /**
   * The scenario's id of the call: the native event id where the record carries one the scenario writes
   * (CloudTrail eventID, Vault request.id), else the GCP insertId or, for Azure (whose records carry no
   * id), a name only the scenario uses. Truth is kept under it; ingest reports the id keytrail derived.
   */
  eventId: string;
  timeMs: number;
  /** 100-ns ticks past `timeMs` (0–9 999): GCP, Azure and Vault log times finer than a millisecond. */
  ticks: number;
  operation: Operation;
  keyId: string;
  principal: Principal | null;
  outcome: 'success' | 'failure';
  joinKeys: JoinKeys;
  /** A service calling on the principal's behalf (S3 SSE-KMS, a GCP service agent, an Azure CMK identity), or "AWS Internal". */
  invokedBy: string | null;
  sourceIp: string;
  /** Drawn once per call: renderers take their choices from it, so every copy of a call renders alike. */
  variant: number;
  /** GCP: where the token travels (only when `joinKeys.token` is set). */
  tokenStyle?: TokenStyle;
  /** Vault: no audit device logged the response, so only the request entry exists. */
  responseMissing?: boolean;
}

export type KmsCallFields = Omit<KmsCall, 'ticks' | 'variant'>;

/** Completes a call with the sub-millisecond time and the variant its renderers draw from. */
export function createKmsCall(random: Random, fields: KmsCallFields): KmsCall {
  return { ...fields, ticks: random.int(0, 9_999), variant: random.int(0, 0xffff) };
}

/**
 * The call's time, moved by `offsetNanos`, as RFC 3339 UTC with `digits` fractional digits (3 to 9), or
 * with `proto3` the fewest of 0, 3, 6 or 9 digits that hold it exactly (the proto3 JSON Timestamp form).
 */
export function formatCallTime(call: KmsCall, digits: number | 'proto3', offsetNanos = 0): string {
  // Whole seconds and nanoseconds within them, apart: nanoseconds since the epoch exceed 2^53.
  let secondMs = Math.floor(call.timeMs / 1000) * 1000;
  let nanos = (call.timeMs - secondMs) * 1_000_000 + call.ticks * 100 + offsetNanos;
  const carry = Math.floor(nanos / 1_000_000_000);
  secondMs += carry * 1000;
  nanos -= carry * 1_000_000_000;
  const nine = String(nanos).padStart(9, '0');
  const width = digits !== 'proto3' ? digits : nanos === 0 ? 0 : nanos % 1_000_000 === 0 ? 3 : nanos % 1000 === 0 ? 6 : 9;
  return `${new Date(secondMs).toISOString().slice(0, 19)}${width === 0 ? '' : `.${nine.slice(0, width)}`}Z`;
}

/** A stable number in [0, modulo) for a string (key vault shapes, derived ids). */
export function hashIndex(text: string, modulo: number): number {
  let hash = 2166136261;
  for (let index = 0; index < text.length; index += 1) hash = Math.imul(hash ^ text.charCodeAt(index), 16777619) >>> 0;
  return hash % modulo;
}
