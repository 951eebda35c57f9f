import { createHash } from 'node:crypto';
import { KeytrailError } from '../core/errors.ts';
import type { ChainReader } from '../core/ports.ts';
import { segmentPath } from '../core/schemas/bundle-manifest.ts';

export interface BuiltSegment {
  path: string;
  firstSeq: number;
  entries: number;
  data: Buffer;
  sha256: string;
}

const NEWLINE = Buffer.from('\n');

/**
 * Segment files of seqs [firstSeq, endSeq): each line is exactly one entry's stored bytes followed by
 * `\n` (entries are canonical JSON, which never contains a raw newline). A segment is read from the
 * store in one synchronous pass, so no read transaction stays open while it is being written out.
 */
export function* buildSegments(reader: ChainReader, firstSeq: number, endSeq: number, limits: { maxEntries: number; maxBytes: number }): Generator<BuiltSegment> {
  let from = firstSeq;
  while (from < endSeq) {
    const parts: Buffer[] = [];
    const hash = createHash('sha256');
    let bytes = 0;
    let next = from;
    for (const entry of reader.entries(from, Math.min(endSeq, from + limits.maxEntries))) {
      if (entry.seq !== next) throw new KeytrailError('SEAL_STORE_CORRUPT', `the chain store returned seq ${entry.seq} where ${next} was due`);
      parts.push(entry.bytes, NEWLINE);
      hash.update(entry.bytes).update(NEWLINE);
      bytes += entry.bytes.length + 1;
      next += 1;
      if (bytes >= limits.maxBytes) break;
    }
    if (next === from) throw new KeytrailError('SEAL_STORE_CORRUPT', `the chain store holds no entry ${from} below ${endSeq}`);
    yield { path: segmentPath(from), firstSeq: from, entries: next - from, data: Buffer.concat(parts, bytes), sha256: hash.digest('hex') };
    from = next;
  }
}
