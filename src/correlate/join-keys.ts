import type { AppEvent } from '../core/schemas/app-event.ts';
import type { KmsEvent } from '../core/schemas/kms-event.ts';
import { Operation } from '../core/schemas/operations.ts';

/**
 * Join keys as comparable strings, always looked up inside one partition key. `id:` keys identify one
 * call (AWS requestID, Azure's logged correlationId, Vault request.id, a GCP token); `cid:` keys are
 * Vault X-Correlation-Id values, which an application may reuse for every call of one user request, so
 * a `cid:` match is weak: it needs the operation and outcome to agree and loses to any `id:` match.
 * `cache:` keys are cache hits waiting for the KMS call that produced their data key.
 */
export function kmsJoinKeys(event: KmsEvent): string[] {
  const keys = event.joinKeys;
  const ids: (string | undefined)[] = [];
  const correlations: (string | undefined)[] = [];
  switch (event.provider) {
    case 'aws':
      ids.push(keys.requestId);
      break;
    case 'azure':
      // Whether Key Vault logs the server's or the client's request id is contested: compare both.
      ids.push(keys.requestId, keys.correlationId, keys.clientRequestId);
      break;
    case 'vault':
      ids.push(keys.requestId);
      correlations.push(keys.correlationId);
      break;
    case 'gcp':
      ids.push(keys.token);
      break;
  }
  return [...unique(ids).map((id) => `id:${id}`), ...unique(correlations).map((id) => `cid:${id}`)];
}

/** The keys a (non cache-hit) app event is found by; a Vault correlation id only when no request id was returned. */
export function appJoinKeys(event: AppEvent): string[] {
  if (event.cacheHit === true) return [];
  switch (event.provider) {
    case 'aws':
      return unique([event.kmsRequestId]).map((id) => `id:${id}`);
    case 'azure':
      return unique([event.kmsRequestId, event.correlationId]).map((id) => `id:${id}`);
    case 'vault':
      if (event.kmsRequestId !== undefined) return [`id:${event.kmsRequestId}`];
      return unique([event.correlationId]).map((id) => `cid:${id}`);
    case 'gcp':
      return unique([event.correlationId]).map((id) => `id:${id}`);
  }
}

/** The `id:` keys of the KMS call that produced a cache hit's data key. */
export function cacheOriginKeys(event: AppEvent): string[] {
  if (event.cacheHit !== true || event.dataKey === undefined) return [];
  return [`id:${event.dataKey.originKmsRequestId}`];
}

export function cacheWaitKey(originKey: string): string {
  return `cache:${originKey}`;
}

export function isWeakKey(key: string): boolean {
  return key.startsWith('cid:');
}

const OPERATIONS = new Set<string>(Operation.options);

/** "Decrypt", "GenerateDataKey", "generate_data_key" → the normalised operation; other words stay as they are. */
export function normaliseAppOperation(operation: string): string {
  const kebab = operation
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[_\s]+/g, '-')
    .toLowerCase();
  return OPERATIONS.has(kebab) ? kebab : operation.toLowerCase();
}

/**
 * The operation and outcome the application reported agree with the provider's record. An outcome the
 * provider never logged (`unknown`: a Vault request entry whose response entry is missing) contradicts
 * neither: the application, which saw the answer, is the only witness of it.
 */
export function isCompatible(kms: KmsEvent, app: AppEvent): boolean {
  const operation = normaliseAppOperation(app.operation);
  const sameOperation = !OPERATIONS.has(operation) || operation === kms.operation;
  const sameOutcome = app.outcome === undefined || kms.outcome === 'unknown' || app.outcome === kms.outcome;
  return sameOperation && sameOutcome;
}

function unique(values: readonly (string | undefined)[]): string[] {
  return [...new Set(values.filter((value): value is string => value !== undefined))];
}
