import { sha256Hex } from '../core/hash.ts';
import { ZERO_HASH_HEX } from '../core/hash.ts';
import { KEYS_PATH, type BundleFile, type BundleManifest, type SegmentFile } from '../core/schemas/bundle-manifest.ts';
import type { ChainReader } from '../core/ports.ts';
import type { BundlePlan } from './plan.ts';

export interface ManifestInput {
  plan: BundlePlan;
  reader: ChainReader;
  segments: SegmentFile[];
  checkpoints: BundleFile[];
  keys: BundleFile;
  exportedAt: Date;
  retention: BundleManifest['retention'];
}

/** The manifest of a planned bundle (docs/FORMAT.md, section 10); its proofs come from the chain store. */
export function buildManifest(input: ManifestInput): BundleManifest {
  const { plan, reader } = input;
  const previous = plan.previous;
  return {
    v: 1,
    type: 'keytrail-bundle',
    origin: reader.origin,
    index: plan.index,
    firstSeq: plan.firstSeq,
    endSeq: plan.endSeq,
    start: { prevHex: previous?.body.headHex ?? ZERO_HASH_HEX, frontier: reader.frontier(plan.firstSeq).map((hash) => hash.toString('base64')) },
    segments: input.segments,
    checkpoints: input.checkpoints,
    closingCheckpoint: { path: input.checkpoints[input.checkpoints.length - 1]!.path, size: plan.endSeq, rootBase64: plan.closing.body.rootBase64, headHex: plan.closing.body.headHex },
    keys: input.keys,
    previous: previous === null ? null : { index: previous.index, manifestSha256: previous.manifestSha256, checkpoint: input.checkpoints[0]!.path, size: previous.body.size },
    consistency: { oldSize: plan.firstSeq, newSize: plan.endSeq, path: reader.consistencyProof(plan.firstSeq, plan.endSeq).map((hash) => hash.toString('base64')) },
    exportedAt: input.exportedAt.toISOString(),
    retention: input.retention,
  };
}

/** manifest.json bytes: indented for people who open it, hashed exactly as written. */
export function serialiseManifest(manifest: BundleManifest): { data: Buffer; sha256: string } {
  const data = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
  return { data, sha256: sha256Hex(data) };
}

export function keysFile(verifierKeys: readonly string[]): { path: string; data: Buffer; sha256: string } {
  const data = Buffer.from(`${verifierKeys.join('\n')}\n`, 'utf8');
  return { path: KEYS_PATH, data, sha256: sha256Hex(data) };
}
