import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import type { SourceEntry } from './entry-source.ts';
import type { Finding } from './findings.ts';

const CHUNK_BYTES = 1 << 20;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export interface SegmentTotals {
  lines: number;
  bytes: number;
  sha256: string;
}

/**
 * The lines of one segment file, read synchronously in 1 MiB chunks while its SHA-256 is computed.
 * A line is exactly one entry's bytes and `\n`: a byte-order mark, a carriage return before the
 * newline or an empty line is reported (and left out of the entry), a last line without its newline
 * means the file was cut.
 */
export function* readSegmentLines(path: string, label: string, problems: Finding[], done: (totals: SegmentTotals) => void): Generator<SourceEntry> {
  const fd = openSync(path, 'r');
  const hash = createHash('sha256');
  const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let carry: Buffer = Buffer.alloc(0);
  let lineNumber = 0;
  let bytes = 0;
  let carriageReturns = 0;
  const firstCarriageReturn = { line: 0 };
  try {
    for (;;) {
      const read = readSync(fd, chunk, 0, CHUNK_BYTES, null);
      if (read === 0) break;
      const data = chunk.subarray(0, read);
      hash.update(data);
      let text: Buffer = carry.length === 0 ? data : Buffer.concat([carry, data]);
      if (bytes === 0 && text.subarray(0, 3).equals(BOM)) {
        problems.push({ code: 'VERIFY_BUNDLE_SEGMENT_LINE', where: `${label}:1`, message: 'the segment starts with a UTF-8 byte-order mark; lines must be the entry bytes alone' });
        text = text.subarray(3);
      }
      bytes += read;
      let start = 0;
      for (let end = text.indexOf(10, start); end >= 0; end = text.indexOf(10, start)) {
        lineNumber += 1;
        let line = text.subarray(start, end);
        start = end + 1;
        if (line.length > 0 && line[line.length - 1] === 13) {
          carriageReturns += 1;
          if (firstCarriageReturn.line === 0) firstCarriageReturn.line = lineNumber;
          line = line.subarray(0, -1);
        }
        if (line.length === 0) {
          problems.push({ code: 'VERIFY_BUNDLE_SEGMENT_LINE', where: `${label}:${lineNumber}`, message: 'an empty line: every line of a segment is one entry' });
          continue;
        }
        yield { where: `${label}:${lineNumber}`, storedHash: null, bytes: Buffer.from(line) };
      }
      carry = Buffer.from(text.subarray(start));
    }
    if (carriageReturns > 0) {
      problems.push({ code: 'VERIFY_BUNDLE_SEGMENT_LINE', where: `${label}:${firstCarriageReturn.line}`, message: `${carriageReturns} line${carriageReturns === 1 ? ' ends' : 's end'} in CR LF; a segment line ends in LF alone` });
    }
    if (carry.length > 0) {
      lineNumber += 1;
      problems.push({ code: 'VERIFY_BUNDLE_TRUNCATED', where: `${label}:${lineNumber}`, message: `the segment ends inside a line (${carry.length} bytes without a newline): the file was cut` });
      yield { where: `${label}:${lineNumber}`, storedHash: null, bytes: carry };
    }
  } finally {
    closeSync(fd);
  }
  done({ lines: lineNumber, bytes, sha256: hash.digest('hex') });
}
