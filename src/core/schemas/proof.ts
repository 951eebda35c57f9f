import { z } from 'zod';
import { Hex64 } from './common.ts';

const Base64Hash = z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'must be the base64 of 32 bytes');
const SignedNote = z.string().min(1).describe('A C2SP signed note holding a keytrail checkpoint, byte for byte');

/**
 * An inclusion proof as `keytrail prove` prints it (docs/FORMAT.md, "Proofs"): one entry, its audit
 * path (RFC 9162 §2.1.3) and the signed checkpoint whose root the path leads to.
 */
export const InclusionProofDocument = z
  .strictObject({
    v: z.literal(1),
    type: z.literal('inclusion'),
    origin: z.string().min(1),
    seq: z.int().nonnegative(),
    treeSize: z.int().positive(),
    entry: z.string().min(2).describe('The entry\'s exact bytes (RFC 8785 JSON) as a string; its UTF-8 encoding is what was hashed'),
    leafHash: Hex64.describe('SHA-256(0x00 ‖ entry bytes); a convenience, recomputed by the verifier'),
    path: z.array(Base64Hash).describe('Sibling hashes from the leaf up'),
    checkpoint: SignedNote,
  })
  .describe('An inclusion proof of one keytrail entry under a signed checkpoint');
export type InclusionProofDocument = z.infer<typeof InclusionProofDocument>;

/** A consistency proof (RFC 9162 §2.1.4) between two signed checkpoints of one log. */
export const ConsistencyProofDocument = z
  .strictObject({
    v: z.literal(1),
    type: z.literal('consistency'),
    origin: z.string().min(1),
    oldSize: z.int().nonnegative(),
    newSize: z.int().nonnegative(),
    path: z.array(Base64Hash),
    oldCheckpoint: SignedNote,
    newCheckpoint: SignedNote,
  })
  .describe('A consistency proof between two signed keytrail checkpoints');
export type ConsistencyProofDocument = z.infer<typeof ConsistencyProofDocument>;

export const ProofDocument = z.discriminatedUnion('type', [InclusionProofDocument, ConsistencyProofDocument]).describe('A keytrail proof document');
export type ProofDocument = z.infer<typeof ProofDocument>;
