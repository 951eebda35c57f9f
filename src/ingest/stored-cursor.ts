import type { z } from 'zod';
import { KeytrailError } from '../core/errors.ts';

/**
 * Parses a cursor an input stored in ingest.db. A cursor that does not parse means the state was edited
 * by hand or written by an incompatible version: the input refuses to guess where to resume.
 */
export function parseStoredCursor<T>(schema: z.ZodType<T>, text: string, cursorName: string, kind: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new KeytrailError('INGEST_CURSOR_INVALID', `the stored cursor of ${cursorName} is not a ${kind} cursor: ${text}`, { details: { cursorName, cursor: text } });
  return parsed.data;
}
