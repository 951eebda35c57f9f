import { KeytrailError } from '../../core/errors.ts';

interface RestErrorLike {
  statusCode?: number;
  code?: string;
  response?: { headers?: { get(name: string): string | undefined } };
}

/** Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/**
 * A failed Log Analytics query as a coded error: 429 is retriable after the Retry-After the service
 * gave, 5xx, 408 and network failures are retriable with backoff, anything else (bad KQL, token, role,
 * workspace) is a configuration problem.
 */
export function toAzureApiError(error: unknown, what: string, nowMs: number): KeytrailError {
  if (error instanceof KeytrailError) return error;
  const rest = (error ?? {}) as RestErrorLike;
  const reason = error instanceof Error ? error.message : String(error);
  const status = rest.statusCode;
  if (status === 429) {
    const retryAfterMs = parseRetryAfterMs(rest.response?.headers?.get('retry-after'), nowMs);
    return new KeytrailError('INGEST_AZURE_API_THROTTLED', `${what}: ${reason}`, { cause: error, details: { statusCode: status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) } });
  }
  if (status === undefined || status === 408 || status >= 500) {
    return new KeytrailError('INGEST_AZURE_API_UNAVAILABLE', `${what}: ${reason}`, { cause: error, details: { statusCode: status ?? null, errorCode: rest.code ?? null } });
  }
  return new KeytrailError('INGEST_AZURE_API_REJECTED', `${what}: ${reason}`, { cause: error, details: { statusCode: status, errorCode: rest.code ?? null } });
}
