import type { AppEvent } from '../core/schemas/app-event.ts';
import type { KmsEvent } from '../core/schemas/kms-event.ts';

/**
 * Join keys as comparable strings. `request:` keys are ids the provider generated and returned to the
 * application; `correlation:` keys are ids the application chose and sent. An exact join needs the
 * same string on both sides and the same provider.
 */
export function kmsJoinKeys(event: KmsEvent): string[] {
  const keys = event.joinKeys;
  const out: string[] = [];
  if (keys.requestId !== undefined) out.push(`request:${keys.requestId}`);
  if (keys.correlationId !== undefined) out.push(`correlation:${keys.correlationId}`);
  if (keys.clientRequestId !== undefined) out.push(`correlation:${keys.clientRequestId}`);
  if (keys.token !== undefined) out.push(`correlation:${keys.token}`);
  return out;
}

export function appJoinKeys(event: AppEvent): string[] {
  if (event.cacheHit === true) return [];
  const out: string[] = [];
  if (event.kmsRequestId !== undefined) out.push(`request:${event.kmsRequestId}`);
  if (event.correlationId !== undefined) out.push(`correlation:${event.correlationId}`);
  return out;
}
