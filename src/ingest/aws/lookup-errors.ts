import { KeytrailError } from '../../core/errors.ts';

interface SdkError {
  name?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
}

/**
 * SDK errors → coded errors: throttling and server or network failures are retriable (the page is asked
 * again from the same cursor), anything else the service rejected is not. The AWS error name is kept.
 */
export function toLookupError(error: unknown, cursorName: string): KeytrailError {
  const sdk = (typeof error === 'object' && error !== null ? error : {}) as SdkError;
  const awsError = sdk.name ?? 'Error';
  const status = sdk.$metadata?.httpStatusCode;
  const details = { cursorName, awsError, httpStatusCode: status ?? null };
  const message = `LookupEvents for ${cursorName} failed: ${awsError}: ${sdk.message ?? String(error)}`;
  if (awsError === 'AbortError') return new KeytrailError('INGEST_AWS_API_FAILED', message, { details, cause: error });
  if (awsError === 'ThrottlingException' || awsError === 'TooManyRequestsException' || status === 429) {
    return new KeytrailError('INGEST_AWS_THROTTLED', message, { details, cause: error });
  }
  if (sdk.$fault === 'server' || status === undefined || status >= 500) return new KeytrailError('INGEST_AWS_API_FAILED', message, { details, cause: error });
  return new KeytrailError('INGEST_AWS_API_REJECTED', message, { details, cause: error });
}
