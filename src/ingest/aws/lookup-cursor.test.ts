import { describe, expect, it } from 'vitest';
import { formatLookupCursor, nextLookupWindow, parseLookupCursor } from './lookup-cursor.ts';

const HOUR = 3_600_000;
const options = { overlapMs: 20 * 60_000, initialLookbackMs: 24 * HOUR, maxWindowMs: 6 * HOUR };
const now = new Date('2026-01-10T12:00:00.000Z');

describe('LookupEvents windows', () => {
  it('starts initialLookbackMs ago and cuts a long first window at maxWindowMs', () => {
    const window = nextLookupWindow(undefined, now, options);
    expect({ start: window.start.toISOString(), end: window.end.toISOString(), capped: window.capped, token: window.token }).toEqual({
      start: '2026-01-09T12:00:00.000Z',
      end: '2026-01-09T18:00:00.000Z',
      capped: true,
      token: undefined,
    });
  });

  it('keeps a window and its parameters while it has a NextToken', () => {
    const first = nextLookupWindow(undefined, now, options);
    const resumed = nextLookupWindow(parseLookupCursor(formatLookupCursor(first, 'token-2'), 'aws-lookup:eu-west-1'), new Date('2026-01-10T12:05:00Z'), options);
    expect(resumed).toEqual({ ...first, token: 'token-2', page: 1 });
  });

  it('starts the next window overlapMs before the end of the finished one, up to now', () => {
    const finished = { v: 1 as const, windowStart: '2026-01-10T11:00:00.000Z', windowEnd: '2026-01-10T11:59:00.000Z', nextToken: null, page: 4, capped: false };
    const window = nextLookupWindow(finished, now, options);
    expect({ start: window.start.toISOString(), end: window.end.toISOString(), capped: window.capped }).toEqual({
      start: '2026-01-10T11:39:00.000Z',
      end: '2026-01-10T12:00:00.000Z',
      capped: false,
    });
  });

  it('catches up in maxWindowMs steps and is caught up only with the window that reaches now', () => {
    let cursor = parseLookupCursor(undefined, 'c');
    const windows = [];
    for (let step = 0; step < 10; step += 1) {
      const window = nextLookupWindow(cursor, now, options);
      windows.push(window);
      if (!window.capped) break;
      cursor = parseLookupCursor(formatLookupCursor(window, undefined), 'c');
    }
    expect(windows.map((window) => window.capped)).toEqual([true, true, true, true, false]);
    expect(windows.at(-1)!.end.toISOString()).toBe(now.toISOString());
  });
});
