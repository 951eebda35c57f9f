import { KeytrailError } from '../core/errors.ts';
import type { ReadItem } from './read-json.ts';

export interface Line {
  bytes: Buffer;
  /** Byte offset of the line's first byte in its stream. */
  offset: number;
}

/**
 * Splits a byte stream into newline-terminated lines. A line is complete only once its `\n` arrived, so
 * the bytes after the last newline stay buffered (a writer may be in the middle of them).
 */
export function createLineBuffer(startOffset = 0): {
  push(chunk: Buffer): Line[];
  /** Bytes received after the last complete line. */
  readonly remainder: Buffer;
  /** Stream offset just after the last complete line. */
  readonly consumedOffset: number;
  /** Drops the buffered partial line (after it was dead-lettered), as if it had been consumed. */
  discardRemainder(): void;
} {
  let pending = Buffer.alloc(0);
  let pendingOffset = startOffset;
  return {
    push(chunk) {
      const data = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      const lines: Line[] = [];
      let start = 0;
      for (let newline = data.indexOf(0x0a); newline !== -1; newline = data.indexOf(0x0a, start)) {
        lines.push({ bytes: data.subarray(start, newline), offset: pendingOffset + start });
        start = newline + 1;
      }
      pending = Buffer.from(data.subarray(start));
      pendingOffset += start;
      return lines;
    },
    get remainder() {
      return pending;
    },
    get consumedOffset() {
      return pendingOffset;
    },
    discardRemainder() {
      pendingOffset += pending.length;
      pending = Buffer.alloc(0);
    },
  };
}

/** One line of NDJSON as a read item: parsed, or kept as bytes with INGEST_LINE_NOT_JSON. Empty lines give none. */
export function parseJsonLine(bytes: Buffer, position: string, prefix = ''): ReadItem | undefined {
  let text = bytes.toString('utf8');
  if (text.endsWith('\r')) text = text.slice(0, -1);
  if (prefix !== '' && text.startsWith(prefix)) text = text.slice(prefix.length);
  if (text.trim() === '') return undefined;
  try {
    return { ok: true, value: JSON.parse(text) as unknown, raw: Buffer.from(bytes), position };
  } catch {
    return { ok: false, error: new KeytrailError('INGEST_LINE_NOT_JSON', `${position} is not valid JSON`, { details: { position } }), raw: Buffer.from(bytes), position };
  }
}
