/**
 * GCP audit logs carry no request id the caller could see (providers.md §2.2), so keytrail joins on a
 * token the application itself puts into the request. The convention (docs/ingest-gcp.md):
 *
 * - the request reason header `X-Goog-Request-Reason: keytrail/<token>`, set per call (logged as
 *   requestMetadata.requestAttributes.reason), or
 * - a product token `keytrail/<token>` anywhere in the user agent (RFC 9110 §10.1.5 product syntax;
 *   logged as requestMetadata.callerSuppliedUserAgent; per call over REST, per channel over gRPC).
 *
 * `<token>` uses RFC 9110 `tchar`s (a UUID fits). The application reports the same token as the app
 * event's `correlationId`.
 */
export const JOIN_TOKEN_PRODUCT = 'keytrail';

const TCHARS = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]+";
const PRODUCT = new RegExp(`(?:^|[\\s(;,])${JOIN_TOKEN_PRODUCT}/(${TCHARS})`);

/** The token of a `keytrail/<token>` product in a user agent or reason, if there is one. */
export function findJoinToken(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  return PRODUCT.exec(text)?.[1];
}

/**
 * The join token of one call. A keytrail token in the reason wins (the reason is set per call, while a
 * gRPC user agent is fixed per channel), then one in the user agent; a reason without the keytrail
 * prefix is the application's own value and is used whole, but only when the user agent has no token.
 */
export function joinTokenOf(userAgent: string | undefined, reason: string | undefined): string | undefined {
  const fromReason = findJoinToken(reason);
  if (fromReason !== undefined) return fromReason;
  const fromAgent = findJoinToken(userAgent);
  if (fromAgent !== undefined) return fromAgent;
  const trimmed = reason?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
