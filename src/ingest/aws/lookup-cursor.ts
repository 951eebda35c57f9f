import { z } from 'zod';
import { parseStoredCursor } from '../stored-cursor.ts';
import { UtcTime } from '../../core/schemas/common.ts';

/**
 * Where LookupEvents polling resumes: the event-time window being read and, while it is read page by page,
 * the NextToken of its next page (CloudTrail wants the same parameters with every token of a window).
 * A finished window has no token; the next one starts `overlapMs` before its end.
 */
export const LookupCursor = z.strictObject({
  v: z.literal(1),
  windowStart: UtcTime,
  windowEnd: UtcTime,
  nextToken: z.string().min(1).nullable(),
  /** Pages read in this window, for dead-letter positions. */
  page: z.int().nonnegative(),
  /** The window was cut at maxWindowMs: more time remained before its start's "now". */
  capped: z.boolean(),
});
export type LookupCursor = z.infer<typeof LookupCursor>;

export function parseLookupCursor(text: string | undefined, cursorName: string): LookupCursor | undefined {
  return text === undefined ? undefined : parseStoredCursor(LookupCursor, text, cursorName, 'LookupEvents');
}

export interface LookupWindow {
  start: Date;
  end: Date;
  token: string | undefined;
  page: number;
  /** True when the window was cut at maxWindowMs: reading it to the end does not mean caught up. */
  capped: boolean;
}

/** The window the next request reads: the stored one while it has pages left, else a new overlapping one. */
export function nextLookupWindow(
  cursor: LookupCursor | undefined,
  now: Date,
  options: { overlapMs: number; initialLookbackMs: number; maxWindowMs: number },
): LookupWindow {
  if (cursor?.nextToken != null) {
    return { start: new Date(cursor.windowStart), end: new Date(cursor.windowEnd), token: cursor.nextToken, page: cursor.page, capped: cursor.capped };
  }
  const nowMs = now.getTime();
  const startMs = cursor === undefined ? nowMs - options.initialLookbackMs : Math.min(new Date(cursor.windowEnd).getTime() - options.overlapMs, nowMs);
  const endMs = Math.min(nowMs, startMs + options.maxWindowMs);
  return { start: new Date(startMs), end: new Date(endMs), token: undefined, page: 0, capped: endMs < nowMs };
}

export function formatLookupCursor(window: LookupWindow, nextToken: string | undefined): string {
  const cursor: LookupCursor = {
    v: 1,
    windowStart: window.start.toISOString(),
    windowEnd: window.end.toISOString(),
    nextToken: nextToken ?? null,
    page: window.page + 1,
    capped: window.capped,
  };
  return JSON.stringify(cursor);
}
