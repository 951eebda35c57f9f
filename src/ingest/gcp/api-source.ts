import { credentials } from '@grpc/grpc-js';
import { Logging, type LoggingOptions } from '@google-cloud/logging';
import type { Clock } from '../../core/ports.ts';
import type { ApiPage, ApiSource } from '../api-poller.ts';
import type { ReadItem } from '../read-json.ts';
import {
  advanceWindow,
  closeWindow,
  formatWindowCursor,
  initialWindowCursor,
  openWindow,
  parseWindowCursor,
  reachedHorizon,
  type WindowCursor,
} from '../window-cursor.ts';
import { isInvalidArgument, toGcpApiError } from './api-errors.ts';
import { parseGcpLoggingInputConfig, type GcpLoggingInputConfig } from './config.ts';
import { createEntryDecoder } from './decode-entry.ts';
import { buildEntriesFilter } from './filter.ts';
import { normaliseGcpEntry } from './normalise.ts';
import { formatTimestamp } from './proto3-json.ts';

export interface GcpLoggingSourceDeps {
  clock: Clock;
  /** A client for the configured endpoint is built when absent; tests pass one pointed at a local server. */
  logging?: Logging;
}

/** What the source saw, beyond what the publisher counts. */
export interface GcpLoggingSourceStats {
  requests: number;
  pages: number;
  emptyPagesWithToken: number;
  entries: number;
  /** Page tokens the API refused (expired): the window was re-queried from the durable cursor. */
  pageTokensRefused: number;
}

export interface GcpLoggingSource extends ApiSource {
  readonly stats: GcpLoggingSourceStats;
}

interface HeldToken {
  /** The cursor the token continues from, and the exact filter it was issued for (tokens need identical requests). */
  cursor: string;
  filter: string;
  token: string;
  issuedAtMs: number;
}

type RawEntry = Record<string, unknown> & { timestamp?: { seconds?: unknown; nanos?: unknown } | null; insertId?: unknown; logName?: unknown };

/**
 * Cloud KMS audit entries through `Logging.getEntries` over gRPC, one page per fetch. Each request has
 * an explicit time filter and `orderBy: 'timestamp asc'` (the client's defaults are the last 24 hours,
 * newest first) and `autoPaginate: false`; gax's own retries are off so throttling and outages reach
 * the poller, which backs off and retries from the durable cursor. Page tokens are used only within
 * one process and while young; the durable cursor is the window and the last (timestamp, insertId).
 */
export function createGcpLoggingSource(input: unknown, deps: GcpLoggingSourceDeps): GcpLoggingSource {
  const config = parseGcpLoggingInputConfig(input);
  const resourceNames = config.resourceNames ?? [`projects/${config.projectId}`];
  const cursorName = `gcp-logging:${resourceNames.join(',')}`;
  const logging = deps.logging ?? createLoggingClient(config);
  // A client passed in belongs to the caller; one built here is closed with the source.
  const close = deps.logging === undefined ? async (): Promise<void> => (logging.loggingService as unknown as { close(): Promise<void> }).close() : async (): Promise<void> => undefined;
  const decode = createEntryDecoder();
  const policy = { settleMs: config.settleMs, maxWindowMs: config.maxWindowMs };
  const stats: GcpLoggingSourceStats = { requests: 0, pages: 0, emptyPagesWithToken: 0, entries: 0, pageTokensRefused: 0 };
  let held: HeldToken | undefined;

  const startCursor = (): WindowCursor => initialWindowCursor(config.startTime === undefined ? new Date(deps.clock.now().getTime() - config.initialLookbackMs).toISOString() : new Date(config.startTime).toISOString());

  const request = async (filter: string, pageToken: string | undefined) => {
    stats.requests += 1;
    return logging.getEntries({
      resourceNames,
      filter,
      orderBy: 'timestamp asc',
      pageSize: config.pageSize,
      autoPaginate: false,
      ...(pageToken === undefined ? {} : { pageToken }),
      gaxOptions: { timeout: config.requestTimeoutMs, retry: { retryCodes: [] } },
    });
  };

  const fetchPage = async (cursorText: string | undefined): Promise<ApiPage> => {
    const nowMs = deps.clock.now().getTime();
    const stored = cursorText === undefined ? startCursor() : parseWindowCursor(cursorText, cursorName);
    const opened = openWindow(stored, nowMs, policy);
    if (opened === undefined) return { items: [], cursorAfter: formatWindowCursor(stored), caughtUp: true };
    const openedText = formatWindowCursor(opened);
    const reuse = held !== undefined && held.cursor === openedText && nowMs - held.issuedAtMs < config.pageTokenMaxAgeMs ? held : undefined;
    const filter = reuse?.filter ?? buildEntriesFilter(resourceNames, { receivedFrom: opened.windowStart, receivedBefore: opened.windowEnd!, maxLatenessMs: config.maxLatenessMs, after: opened.after }, config.extraFilter);
    held = undefined;
    let response: Awaited<ReturnType<typeof request>>;
    try {
      response = await request(filter, reuse?.token);
    } catch (error) {
      if (reuse !== undefined && isInvalidArgument(error)) {
        // An expired or unknown page token: the durable cursor does not need it.
        stats.pageTokensRefused += 1;
        return fetchPage(cursorText);
      }
      throw toGcpApiError(error, `listing entries of ${resourceNames.join(', ')}`);
    }
    const [, nextRequest, raw] = response;
    const entries = (raw?.entries ?? []) as RawEntry[];
    stats.pages += 1;
    stats.entries += entries.length;
    const items: ReadItem[] = entries.map((entry) => decode(entry, `${cursorName}@${String(entry.logName)}#${String(entry.insertId)}`));
    const nextToken = typeof nextRequest?.pageToken === 'string' && nextRequest.pageToken !== '' ? nextRequest.pageToken : undefined;
    if (nextToken === undefined) {
      const closed = closeWindow(opened);
      return { items, cursorAfter: formatWindowCursor(closed), caughtUp: reachedHorizon(opened.windowEnd!, nowMs, policy) };
    }
    const last = entries.at(-1);
    if (last === undefined) stats.emptyPagesWithToken += 1;
    const advanced = last === undefined ? opened : advanceWindow(opened, { time: formatTimestamp(last.timestamp ?? {}), id: String(last.insertId) });
    const cursorAfter = formatWindowCursor(advanced);
    held = { cursor: cursorAfter, filter, token: nextToken, issuedAtMs: nowMs };
    return { items, cursorAfter, caughtUp: false };
  };

  return { name: 'gcp', namespace: 'gcp', stream: 'kms', cursorName, normalise: normaliseGcpEntry, fetchPage, stats, close };
}

function createLoggingClient(config: GcpLoggingInputConfig): Logging {
  const options: LoggingOptions & { sslCreds?: ReturnType<typeof credentials.createInsecure> } = { projectId: config.projectId };
  if (config.credentialsFile !== undefined) options.keyFilename = config.credentialsFile;
  if (config.apiEndpoint !== undefined) options.apiEndpoint = config.apiEndpoint;
  if (config.port !== undefined) options.port = config.port;
  if (config.plaintext) {
    // A local endpoint: no TLS and no credentials, and naming the universe keeps google-auth-library from
    // probing for Application Default Credentials (and the GCE metadata server) before the first call.
    options.sslCreds = credentials.createInsecure();
    options.universeDomain = 'googleapis.com';
  }
  return new Logging(options);
}
