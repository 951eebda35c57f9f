import { KeytrailError, toKeytrailError } from '../core/errors.ts';
import { DEFAULT_RETRY_POLICY, retryDelayMs, type RetryPolicy, type SourceRetry } from './retry-policy.ts';
import type { ReadItem } from './read-json.ts';
import { realWait, type Wait } from './rate-limiter.ts';
import { createBatchPublisher, emptyCounts, type IngestCounts, type IngestDeps } from './publisher.ts';
import type { IngestSource } from './source.ts';

/** One page from a provider API and the cursor that resumes right after it. */
export interface ApiPage {
  items: ReadItem[];
  /** Stored once the page's events are on the bus; the next fetch starts from it. */
  cursorAfter: string;
  /** True when the source has nothing newer right now (poll again later). */
  caughtUp: boolean;
}

/** A provider API read page by page. `fetchPage` throws KeytrailErrors; retriable ones are retried with backoff. */
export interface ApiSource extends Omit<IngestSource, 'readFile'> {
  /** Identifies this source's cursor (e.g. `aws-lookup:eu-west-1`). */
  cursorName: string;
  fetchPage(cursor: string | undefined, signal?: AbortSignal): Promise<ApiPage>;
  /** Releases a client the source opened itself (a gRPC channel); called once polling stopped. */
  close?(): Promise<void>;
}

export interface PollOptions {
  /** Return once the source reports it is caught up (backfill); otherwise poll until aborted. */
  untilCaughtUp: boolean;
  signal?: AbortSignal;
  pollIntervalMs?: number;
  /** Backoff for retriable failures (retry-policy.ts); the defaults when absent. */
  retry?: RetryPolicy;
  /** Injected for tests; defaults to a real timer that the signal can interrupt. */
  wait?: Wait;
  /** Counts to keep up to date while polling (a long-running poll reports them before it returns). */
  counts?: IngestCounts;
  /** Told of each retriable failure before its wait: the error, how many failures in a row, the wait. */
  onRetry?: (retry: SourceRetry) => void;
}

/**
 * Polls an API source with a durable cursor: each page is normalised, published and acknowledged by the
 * bus before its cursor is committed (with the published ids, in one transaction). A crash or a failed
 * page restarts from the last committed cursor, so nothing is skipped; repeats are dropped by event id.
 */
export async function pollApiSource(source: ApiSource, deps: IngestDeps, options: PollOptions): Promise<IngestCounts> {
  const counts = options.counts ?? emptyCounts();
  const publisher = createBatchPublisher({ ...source, readFile: unsupportedReadFile }, source.cursorName, deps, counts);
  const wait = options.wait ?? realWait;
  const retry = options.retry ?? DEFAULT_RETRY_POLICY;
  let failures = 0;
  while (options.signal?.aborted !== true) {
    let page: ApiPage;
    try {
      page = await source.fetchPage(deps.state.cursor(source.cursorName), options.signal);
      failures = 0;
    } catch (error) {
      const coded = toKeytrailError(error, 'INGEST_SOURCE_UNREADABLE', `fetching from ${source.cursorName}`);
      failures += 1;
      const delayMs = retryDelayMs(retry, coded, failures);
      if (delayMs === undefined) throw coded;
      options.onRetry?.({ source: source.cursorName, error: coded, failures, delayMs });
      await wait(delayMs, options.signal);
      continue;
    }
    for (const item of page.items) publisher.add(item);
    await publisher.flush({ source: source.cursorName, value: page.cursorAfter });
    if (page.caughtUp) {
      if (options.untilCaughtUp) break;
      await wait(options.pollIntervalMs ?? 60_000, options.signal);
    }
  }
  return counts;
}

function unsupportedReadFile(): never {
  throw new KeytrailError('INGEST_SOURCE_UNREADABLE', 'an API source has no files');
}
