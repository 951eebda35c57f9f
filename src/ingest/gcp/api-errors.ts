import { KeytrailError } from '../../core/errors.ts';

/** gRPC status codes (grpc/grpc doc/statuscodes.md). */
const RESOURCE_EXHAUSTED = 8;
const INVALID_ARGUMENT = 3;
const TRANSIENT = new Set([1, 2, 4, 10, 13, 14]); // CANCELLED, UNKNOWN, DEADLINE_EXCEEDED, ABORTED, INTERNAL, UNAVAILABLE

export function grpcCodeOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

export function isInvalidArgument(error: unknown): boolean {
  return grpcCodeOf(error) === INVALID_ARGUMENT;
}

/**
 * A failed entries.list call as a coded error: quota (RESOURCE_EXHAUSTED) and transient codes are
 * retriable and retried from the same cursor; anything else (bad filter, permission, credentials) is a
 * configuration problem a retry cannot fix. Errors without a gRPC code are network failures.
 */
export function toGcpApiError(error: unknown, what: string): KeytrailError {
  if (error instanceof KeytrailError) return error;
  const code = grpcCodeOf(error);
  const reason = error instanceof Error ? error.message : String(error);
  const details = { grpcCode: code ?? null };
  if (code === RESOURCE_EXHAUSTED) return new KeytrailError('INGEST_GCP_API_THROTTLED', `${what}: ${reason}`, { cause: error, details });
  if (code === undefined || TRANSIENT.has(code)) return new KeytrailError('INGEST_GCP_API_UNAVAILABLE', `${what}: ${reason}`, { cause: error, details });
  return new KeytrailError('INGEST_GCP_API_REJECTED', `${what}: ${reason}`, { cause: error, details });
}
