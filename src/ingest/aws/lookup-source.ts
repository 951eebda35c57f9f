import { CloudTrailClient, LookupEventsCommand, type Event as LookupEvent } from '@aws-sdk/client-cloudtrail';
import { KeytrailError } from '../../core/errors.ts';
import type { Clock } from '../../core/ports.ts';
import type { ApiPage, ApiSource } from '../api-poller.ts';
import { createRateLimiter, type Wait } from '../rate-limiter.ts';
import type { ReadItem } from '../read-json.ts';
import { AwsLookupConfig } from './config.ts';
import { KMS_EVENT_SOURCE, normaliseCloudTrailRecord } from './normalise.ts';
import { formatLookupCursor, nextLookupWindow, parseLookupCursor, type LookupWindow } from './lookup-cursor.ts';
import { toLookupError } from './lookup-errors.ts';

export interface CloudTrailLookupDeps {
  clock: Clock;
  /** Injected in tests to move a test clock instead of sleeping. */
  wait?: Wait;
  /** Built from the config when absent. */
  client?: CloudTrailClient;
}

/**
 * CloudTrail LookupEvents as an API source: KMS management events of one account and Region, read in
 * overlapping event-time windows (newest first within a window, as the API returns them) so that events
 * CloudTrail delivers late are still read; repeats are dropped by eventID downstream.
 */
export function createCloudTrailLookupSource(input: AwsLookupConfig, deps: CloudTrailLookupDeps): ApiSource {
  const config = AwsLookupConfig.parse(input);
  const cursorName = config.cursorName ?? `aws-lookup:${config.region}`;
  // The SDK's own retries are off: throttling must reach the poller's backoff and the rate limiter.
  const client = deps.client ?? new CloudTrailClient({ region: config.region, endpoint: config.endpoint, maxAttempts: 1 });
  const limiter = createRateLimiter({ minIntervalMs: config.minRequestIntervalMs, clock: deps.clock, wait: deps.wait });

  async function lookup(window: LookupWindow, signal: AbortSignal | undefined) {
    await limiter.take(signal);
    const command = new LookupEventsCommand({
      LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: KMS_EVENT_SOURCE }],
      StartTime: window.start,
      EndTime: window.end,
      MaxResults: config.maxResults,
      NextToken: window.token,
    });
    try {
      return await client.send(command, { abortSignal: signal });
    } catch (error) {
      throw toLookupError(error, cursorName);
    }
  }

  return {
    name: 'aws',
    namespace: 'aws',
    stream: 'kms',
    cursorName,
    normalise: normaliseCloudTrailRecord,
    async fetchPage(stored, signal): Promise<ApiPage> {
      let window = nextLookupWindow(parseLookupCursor(stored, cursorName), deps.clock.now(), config);
      let response;
      try {
        response = await lookup(window, signal);
      } catch (error) {
        // A token CloudTrail no longer accepts: read the window again from its newest page (repeats are dropped).
        if (!(error instanceof KeytrailError) || error.details.awsError !== 'InvalidNextTokenException' || window.token === undefined) throw error;
        window = { ...window, token: undefined, page: 0 };
        response = await lookup(window, signal);
      }
      const items = (response.Events ?? []).map((event, index) => toReadItem(event, `${cursorName}:${window.start.toISOString()}/${window.end.toISOString()}#page${window.page}/${index}`));
      const nextToken = response.NextToken === '' ? undefined : response.NextToken;
      return { items, cursorAfter: formatLookupCursor(window, nextToken), caughtUp: nextToken === undefined && !window.capped };
    },
  };
}

/** CloudTrailEvent is the full CloudTrail record as a JSON string (CloudTrail API Reference, Event). */
function toReadItem(event: LookupEvent, position: string): ReadItem {
  const text = event.CloudTrailEvent;
  if (text !== undefined) {
    const raw = Buffer.from(text, 'utf8');
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return { ok: true, value, raw, position };
    } catch {
      // falls through to the dead letter below
    }
    return { ok: false, error: notJson(event), raw, position };
  }
  return { ok: false, error: notJson(event), raw: Buffer.from(JSON.stringify(event), 'utf8'), position };
}

function notJson(event: LookupEvent): KeytrailError {
  return new KeytrailError('INGEST_AWS_EVENT_NOT_JSON', `LookupEvents event ${event.EventId ?? '(no EventId)'} has no CloudTrailEvent JSON object`, {
    details: { eventId: event.EventId ?? null },
  });
}
