import { z } from 'zod';
import { Hex64, UtcTime } from './common.ts';

export const NoteSignature = z.strictObject({
  name: z.string().min(1),
  keyIdHex: z.string().regex(/^[0-9a-f]{8}$/),
  signatureBase64: z.string().min(1),
});

/**
 * A signed checkpoint as keytrail stores and exports it: the parsed C2SP tlog-checkpoint body, its
 * signatures, and the exact signed-note text (the only form that is verified).
 */
export const Checkpoint = z
  .strictObject({
    origin: z.string().min(1),
    size: z.int().nonnegative(),
    rootBase64: z.string().length(44),
    headHex: Hex64,
    time: UtcTime,
    signatures: z.array(NoteSignature).min(1),
    note: z.string().min(1).describe('The C2SP signed note, byte for byte'),
  })
  .describe('A signed checkpoint of the keytrail log');
export type Checkpoint = z.infer<typeof Checkpoint>;
