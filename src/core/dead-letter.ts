import { z } from 'zod';
import { Hex64, UtcTime } from './schemas/common.ts';
import type { KeytrailError } from './errors.ts';
import { sha256Hex } from './hash.ts';

/** Raw bytes kept in a dead-letter message are capped; the hash always covers the full input. */
export const DEAD_LETTER_MAX_RAW_BYTES = 1024 * 1024;

export const DeadLetter = z
  .strictObject({
    v: z.literal(1),
    code: z.string().min(1).describe('The error code (docs/errors.md)'),
    reason: z.string().min(1),
    stage: z.string().min(1),
    source: z.string().min(1).describe('Input name: file path, endpoint or topic'),
    position: z.string().min(1).describe('Where in the source: line number, array index, offset'),
    time: UtcTime,
    rawBase64: z.string().describe('The bytes as received (at most 1 MiB; see rawTruncated)'),
    rawSha256: Hex64,
    rawBytes: z.int().nonnegative(),
    rawTruncated: z.boolean(),
    details: z.record(z.string(), z.unknown()),
  })
  .describe('An input keytrail could not process, kept with its reason and bytes');
export type DeadLetter = z.infer<typeof DeadLetter>;

export interface DeadLetterOrigin {
  stage: string;
  source: string;
  position: string;
}

export function buildDeadLetter(error: KeytrailError, raw: Buffer, origin: DeadLetterOrigin, time: Date): DeadLetter {
  const kept = raw.length > DEAD_LETTER_MAX_RAW_BYTES ? raw.subarray(0, DEAD_LETTER_MAX_RAW_BYTES) : raw;
  return {
    v: 1,
    code: error.code,
    reason: error.message,
    stage: origin.stage,
    source: origin.source,
    position: origin.position,
    time: time.toISOString(),
    rawBase64: kept.toString('base64'),
    rawSha256: sha256Hex(raw),
    rawBytes: raw.length,
    rawTruncated: kept.length < raw.length,
    details: error.details,
  };
}
