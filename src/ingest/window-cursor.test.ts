import { describe, expect, it } from 'vitest';
import { advanceWindow, closeWindow, formatWindowCursor, initialWindowCursor, openWindow, parseWindowCursor, reachedHorizon } from './window-cursor.ts';

const policy = { settleMs: 60_000, maxWindowMs: 3_600_000 };
const at = (iso: string) => Date.parse(iso);

describe('window cursor', () => {
  it('opens a window of at most maxWindowMs that ends settleMs before now, and none when that is not after its start', () => {
    const start = initialWindowCursor('2026-01-10T10:00:00.000Z');
    expect(openWindow(start, at('2026-01-10T13:00:00Z'), policy)?.windowEnd).toBe('2026-01-10T11:00:00.000Z');
    expect(openWindow(start, at('2026-01-10T10:30:00Z'), policy)?.windowEnd).toBe('2026-01-10T10:29:00.000Z');
    expect(openWindow(start, at('2026-01-10T10:01:00Z'), policy)).toBeUndefined();
  });

  it('keeps an opened window fixed and moves only `after` inside it; closing starts the next window at its end', () => {
    const opened = openWindow(initialWindowCursor('2026-01-10T10:00:00.000Z'), at('2026-01-10T13:00:00Z'), policy)!;
    const later = openWindow(advanceWindow(opened, { time: '2026-01-10T10:05:00.1Z', id: 'x' }), at('2026-01-10T20:00:00Z'), policy)!;
    expect(later).toEqual({ v: 1, windowStart: '2026-01-10T10:00:00.000Z', windowEnd: '2026-01-10T11:00:00.000Z', after: { time: '2026-01-10T10:05:00.1Z', id: 'x' } });
    expect(closeWindow(later)).toEqual({ v: 1, windowStart: '2026-01-10T11:00:00.000Z', windowEnd: null, after: null });
    expect(reachedHorizon('2026-01-10T11:00:00.000Z', at('2026-01-10T13:00:00Z'), policy)).toBe(false);
    expect(reachedHorizon('2026-01-10T12:59:00.000Z', at('2026-01-10T13:00:00Z'), policy)).toBe(true);
  });

  it('round-trips through its text form and refuses text that is not a v1 cursor', () => {
    const cursor = advanceWindow(openWindow(initialWindowCursor('2026-01-10T10:00:00.000Z'), at('2026-01-10T13:00:00Z'), policy)!, { time: 't', id: 'i' });
    expect(parseWindowCursor(formatWindowCursor(cursor), 'test')).toEqual(cursor);
    for (const text of ['', '[]', '{"v":1}', '{"v":1,"windowStart":"soon","windowEnd":null,"after":null}', '{"v":1,"windowStart":"2026-01-10T10:00:00Z","windowEnd":null,"after":{"time":1}}']) {
      expect(() => parseWindowCursor(text, 'test')).toThrowError(expect.objectContaining({ code: 'INGEST_CURSOR_INVALID' }));
    }
  });
});
