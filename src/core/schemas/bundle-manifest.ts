import { z } from 'zod';
import { Hex64, UtcTime } from './common.ts';

const Base64Hash = z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'must be the base64 of 32 bytes');
const Count = z.int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const SEGMENT_PATH = /^segments\/[0-9]{12}\.jsonl$/;
export const CHECKPOINT_PATH = /^checkpoints\/[0-9]{6}\.note$/;
export const KEYS_PATH = 'keys/verifier.key';
export const MANIFEST_PATH = 'manifest.json';

/** One file of a bundle, by its path inside the bundle, with what an auditor's sha256sum must print. */
export const BundleFile = z.strictObject({
  path: z.string().regex(/^(segments\/[0-9]{12}\.jsonl|checkpoints\/[0-9]{6}\.note|keys\/verifier\.key)$/, 'a segment, checkpoint or key path'),
  sha256: Hex64,
  bytes: Count,
});
export type BundleFile = z.infer<typeof BundleFile>;

export const SegmentFile = BundleFile.extend({
  firstSeq: Count.describe('Seq of the segment\'s first line'),
  entries: Count.describe('Lines in the segment, one entry each'),
});
export type SegmentFile = z.infer<typeof SegmentFile>;

export const RetentionMode = z.enum(['COMPLIANCE', 'GOVERNANCE']);
export type RetentionMode = z.infer<typeof RetentionMode>;

/**
 * manifest.json of an exported bundle (docs/FORMAT.md, section 10). Everything in it is either checked
 * against the bundle's own files and signed checkpoints, or against the next bundle (which records this
 * manifest's SHA-256), so a changed manifest is found either way.
 */
export const BundleManifest = z
  .strictObject({
    v: z.literal(1),
    type: z.literal('keytrail-bundle'),
    origin: z.string().min(1).regex(/^[^\s+]+$/),
    index: z.int().min(1).describe('Place in the chain of bundles, from 1'),
    firstSeq: Count,
    endSeq: Count.describe('One past the last seq: the bundle holds seqs firstSeq … endSeq − 1'),
    start: z.strictObject({
      prevHex: Hex64.describe('Chain hash of entry firstSeq − 1 (64 zeros for the first bundle)'),
      frontier: z.array(Base64Hash).describe('RFC 6962 frontier of the first firstSeq entries, largest subtree first'),
    }),
    segments: z.array(SegmentFile).describe('In seq order'),
    checkpoints: z.array(BundleFile).describe('In signing order; after the first bundle the first one is the previous bundle\'s closing checkpoint'),
    closingCheckpoint: z.strictObject({ path: z.string().regex(CHECKPOINT_PATH), size: Count, rootBase64: Base64Hash, headHex: Hex64 }),
    keys: BundleFile,
    previous: z
      .strictObject({
        index: z.int().min(1),
        manifestSha256: Hex64.describe('SHA-256 of the previous bundle\'s manifest.json bytes'),
        checkpoint: z.string().regex(CHECKPOINT_PATH).describe('Its closing checkpoint, copied into this bundle'),
        size: Count,
      })
      .nullable(),
    consistency: z.strictObject({ oldSize: Count, newSize: Count, path: z.array(Base64Hash) }).describe('RFC 9162 §2.1.4 proof from the previous closing checkpoint (or the empty tree) to this one'),
    exportedAt: UtcTime,
    retention: z.strictObject({ dataClass: z.string().min(1), mode: RetentionMode, retainDays: z.int().min(1), retainUntil: UtcTime }),
  })
  .describe('The manifest of a keytrail WORM export bundle');
export type BundleManifest = z.infer<typeof BundleManifest>;

/** One stored object of an S3 bundle, as the versions object records it. */
export const BundleObjectVersion = z.strictObject({
  path: z.string().min(1),
  key: z.string().min(1),
  versionId: z.string().min(1),
  sha256: Hex64,
  bytes: Count,
});
export type BundleObjectVersion = z.infer<typeof BundleObjectVersion>;

/**
 * versions.json, the object written last to an S3 bundle prefix: it marks the bundle complete and pins
 * every object (manifest.json included) to the version id Object Lock protects.
 */
export const BundleVersions = z
  .strictObject({
    v: z.literal(1),
    type: z.literal('keytrail-bundle-versions'),
    index: z.int().min(1),
    manifest: BundleObjectVersion,
    objects: z.array(BundleObjectVersion),
    retention: z.strictObject({ mode: RetentionMode, retainUntil: UtcTime }),
  })
  .describe('The final object of an S3 bundle: the version id of every object');
export type BundleVersions = z.infer<typeof BundleVersions>;

/** Names inside a destination: `bundle-000001`, and for an S3 retry of an interrupted attempt `bundle-000001.2`. */
export const BUNDLE_NAME = /^bundle-([0-9]{6,})(?:\.([1-9][0-9]*))?$/;

export function bundleName(index: number, attempt = 1): string {
  return `bundle-${String(index).padStart(6, '0')}${attempt > 1 ? `.${attempt}` : ''}`;
}

export function segmentPath(firstSeq: number): string {
  return `segments/${String(firstSeq).padStart(12, '0')}.jsonl`;
}

export function checkpointPath(position: number): string {
  return `checkpoints/${String(position).padStart(6, '0')}.note`;
}
