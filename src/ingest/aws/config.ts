import { z } from 'zod';
import { RetryPolicy } from '../retry-policy.ts';

const MINUTE_MS = 60_000;

/**
 * `sources.aws.lookup`: poll CloudTrail LookupEvents for kms.amazonaws.com events in one account and Region.
 * Credentials come from the AWS SDK's default chain (environment, shared config, instance role); none are
 * written in keytrail's configuration.
 */
export const AwsLookupConfig = z.strictObject({
  region: z.string().min(1),
  /** Overrides the service endpoint (VPC endpoint, or a local server in tests). */
  endpoint: z.url().optional(),
  /** Names the cursor, so several accounts or Regions can be polled side by side. */
  cursorName: z.string().min(1).optional(),
  /** LookupEvents returns at most 50 events per page. */
  maxResults: z.int().min(1).max(50).default(50),
  /** 2 requests/s is CloudTrail's documented LookupEvents limit per account and Region. */
  minRequestIntervalMs: z.int().min(0).default(500),
  /**
   * Each window starts this long before the previous window's end: CloudTrail can deliver an event ~15
   * minutes after it happened, and the repeats this causes are dropped by eventID.
   */
  overlapMs: z.int().min(0).default(20 * MINUTE_MS),
  /** How far back the very first window reaches (LookupEvents keeps 90 days). */
  initialLookbackMs: z.int().min(1).max(90 * 24 * 60 * MINUTE_MS).default(60 * MINUTE_MS),
  /** A window never spans more than this, so catching up after downtime commits progress in steps. */
  maxWindowMs: z.int().min(MINUTE_MS).default(6 * 60 * MINUTE_MS),
  pollIntervalMs: z.int().min(1).default(MINUTE_MS),
  /** Backoff and give-up for failed requests (api-poller.ts). */
  retry: RetryPolicy.prefault({}),
});
export type AwsLookupConfig = z.input<typeof AwsLookupConfig>;
