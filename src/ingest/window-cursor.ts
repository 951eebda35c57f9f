import { z } from 'zod';
import { canonicalize } from '../core/canonical-json.ts';
import { parseStoredCursor } from './stored-cursor.ts';

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

const Instant = z.string().refine((text) => !Number.isNaN(Date.parse(text)), 'not a time');
const WindowCursorSchema: z.ZodType<WindowCursor> = z.strictObject({
  v: z.literal(1),
  windowStart: Instant,
  windowEnd: Instant.nullable(),
  after: z.strictObject({ time: z.string(), id: z.string() }).nullable(),
});

export function parseWindowCursor(text: string, source: string): WindowCursor {
  return parseStoredCursor(WindowCursorSchema, text, source, 'v1 window');
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

