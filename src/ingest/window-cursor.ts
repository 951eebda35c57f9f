import { KeytrailError } from '../core/errors.ts';
import { canonicalize } from '../core/canonical-json.ts';

/**
 * The durable position of an API input that reads a provider's log by arrival-time windows (GCP
 * receiveTimestamp, Azure ingestion_time()) and, inside a window, in a total order the provider can
 * filter on (GCP (timestamp, insertId), Azure (ingestion time, _ItemId)).
 *
 * A window ends at least `settleMs` in the past and never moves once chosen, so the set of records in
 * it is fixed; `after` is the last record published from it. A restart re-issues the query for the
 * same window from `after`: it never depends on a provider page token (GCP's expire after 24 h), and a
 * record that arrives late lands in a later window instead of behind the cursor.
 */
export interface WindowCursor {
  v: 1;
  /** Inclusive start of the arrival-time window (RFC 3339 UTC). */
  windowStart: string;
  /** Exclusive end, or null until the next fetch opens the window. */
  windowEnd: string | null;
  /** The last record published from this window, in the query's order. */
  after: { time: string; id: string } | null;
}

export interface WindowPolicy {
  /** How long after arrival a record is surely queryable; windows never end closer to now than this. */
  settleMs: number;
  /** The longest window one query covers. */
  maxWindowMs: number;
}

export function initialWindowCursor(startTime: string): WindowCursor {
  return { v: 1, windowStart: startTime, windowEnd: null, after: null };
}

export function parseWindowCursor(text: string, source: string): WindowCursor {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new KeytrailError('INGEST_API_CURSOR_INVALID', `the cursor of ${source} is not JSON`, { cause: error, details: { cursor: text } });
  }
  if (!isWindowCursor(value)) throw new KeytrailError('INGEST_API_CURSOR_INVALID', `the cursor of ${source} is not a v1 window cursor`, { details: { cursor: text } });
  return value;
}

export function formatWindowCursor(cursor: WindowCursor): string {
  return canonicalize(cursor);
}

/** Fixes the end of an unopened window at min(start + maxWindow, now - settle); undefined when that would not be after the start. */
export function openWindow(cursor: WindowCursor, nowMs: number, policy: WindowPolicy): WindowCursor | undefined {
  if (cursor.windowEnd !== null) return cursor;
  const startMs = Date.parse(cursor.windowStart);
  const endMs = Math.min(startMs + policy.maxWindowMs, nowMs - policy.settleMs);
  if (endMs <= startMs) return undefined;
  return { ...cursor, windowEnd: new Date(endMs).toISOString() };
}

export function advanceWindow(cursor: WindowCursor, last: { time: string; id: string }): WindowCursor {
  return { ...cursor, after: last };
}

/** The next window starts where this one ended. */
export function closeWindow(cursor: WindowCursor): WindowCursor {
  return { v: 1, windowStart: cursor.windowEnd ?? cursor.windowStart, windowEnd: null, after: null };
}

/** True when the window just closed reached the settle horizon, i.e. nothing newer can be read yet. */
export function reachedHorizon(closedEnd: string, nowMs: number, policy: WindowPolicy): boolean {
  return Date.parse(closedEnd) >= nowMs - policy.settleMs - 1000;
}

function isWindowCursor(value: unknown): value is WindowCursor {
  if (typeof value !== 'object' || value === null) return false;
  const cursor = value as Record<string, unknown>;
  const after = cursor.after as Record<string, unknown> | null;
  return (
    cursor.v === 1 &&
    typeof cursor.windowStart === 'string' &&
    !Number.isNaN(Date.parse(cursor.windowStart)) &&
    (cursor.windowEnd === null || (typeof cursor.windowEnd === 'string' && !Number.isNaN(Date.parse(cursor.windowEnd)))) &&
    (after === null || (typeof after === 'object' && typeof after.time === 'string' && typeof after.id === 'string'))
  );
}
