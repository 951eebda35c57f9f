import { z } from 'zod';
import { Hex64, UtcTime } from './common.ts';
import { AttributedRecord } from './record.ts';

export const ENTRY_FORMAT_VERSION = 1;

/**
 * One sealed log entry (format v1, docs/FORMAT.md). Its bytes are the RFC 8785 canonical form of this
 * object; its chain hash is SHA-256 of those bytes; `prev` is the chain hash of the entry before it.
 */
export const Entry = z
  .strictObject({
    v: z.literal(ENTRY_FORMAT_VERSION),
    chain: z.string().min(1).describe('The log\'s origin; the same for every entry of one log'),
    seq: z.int().nonnegative().describe('Position in the log, from 0, without gaps'),
    prev: Hex64.describe('SHA-256 of the previous entry\'s bytes; 64 zeros for seq 0'),
    sealedAt: UtcTime,
    record: AttributedRecord,
  })
  .describe('A sealed entry of the keytrail log, format v1');
export type Entry = z.infer<typeof Entry>;
