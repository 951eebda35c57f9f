import { performance } from 'node:perf_hooks';
import { sha256Hex } from '../core/hash.ts';
import type { ChainReader, Clock } from '../core/ports.ts';
import { checkpointPath, type BundleFile, type SegmentFile } from '../core/schemas/bundle-manifest.ts';
import type { ExportConfig } from './config.ts';
import { buildManifest, keysFile, serialiseManifest } from './manifest.ts';
import { locateAnchor, planNextBundle, type BundlePlan, type ExportAnchor } from './plan.ts';
import { buildSegments } from './segments.ts';
import type { BundleReceipt, BundleSink } from './sink.ts';

const DAY_MS = 86_400_000;

export interface ExportDeps {
  reader: ChainReader;
  /** Every key that signed the log (keys/verifier.key of the data directory). */
  verifierKeys: readonly string[];
  sink: BundleSink;
  config: ExportConfig;
  clock: Clock;
  onBundle?: (receipt: ExportedBundle) => void;
}

export interface ExportedBundle extends BundleReceipt {
  index: number;
  firstSeq: number;
  endSeq: number;
  bytes: number;
  seconds: number;
}

export interface ExportReport {
  destination: string;
  /** Where this export continued from: the newest complete bundle found, or null for a first export. */
  resumedAfter: { name: string; index: number; endSeq: number } | null;
  bundles: ExportedBundle[];
  entries: number;
  bytes: number;
  seconds: number;
  /** The chain store's size and signed size when the export looked: entries beyond the newest checkpoint wait for the next one. */
  chain: { size: number; exportedTo: number };
}

/**
 * Exports every signed entry beyond the destination's newest bundle as new bundles, each ending at a
 * signed checkpoint. The destination is the only state: an export that stopped half-way left nothing
 * that counts as a bundle, and the next one starts again after the last complete bundle.
 */
export async function exportBundles(deps: ExportDeps): Promise<ExportReport> {
  const started = performance.now();
  const last = await deps.sink.lastBundle();
  let anchor: ExportAnchor | null = last === null ? null : locateAnchor(deps.reader, last);
  const bundles: ExportedBundle[] = [];
  for (let plan = planNextBundle(deps.reader, anchor, deps.config.bundleMaxEntries); plan !== null; plan = planNextBundle(deps.reader, anchor, deps.config.bundleMaxEntries)) {
    const { receipt, manifestSha256 } = await writeBundle(plan, deps);
    bundles.push(receipt);
    deps.onBundle?.(receipt);
    anchor = { index: plan.index, manifestSha256, checkpoint: plan.closing.checkpoint, body: plan.closing.body };
  }
  return {
    destination: deps.sink.description,
    resumedAfter: last === null ? null : { name: last.name, index: last.manifest.index, endSeq: last.manifest.endSeq },
    bundles,
    entries: bundles.reduce((sum, bundle) => sum + bundle.endSeq - bundle.firstSeq, 0),
    bytes: bundles.reduce((sum, bundle) => sum + bundle.bytes, 0),
    seconds: (performance.now() - started) / 1000,
    chain: { size: deps.reader.size(), exportedTo: anchor?.body.size ?? 0 },
  };
}

async function writeBundle(plan: BundlePlan, deps: ExportDeps): Promise<{ receipt: ExportedBundle; manifestSha256: string }> {
  const started = performance.now();
  const { config } = deps;
  const policy = config.retention[config.dataClass]!;
  const exportedAt = deps.clock.now();
  const retainUntil = new Date(exportedAt.getTime() + policy.retainDays * DAY_MS);
  const writer = await deps.sink.open(plan.index, { mode: policy.mode, retainUntil });
  let bytes = 0;
  try {
    const segments: SegmentFile[] = [];
    for (const segment of buildSegments(deps.reader, plan.firstSeq, plan.endSeq, { maxEntries: config.segmentMaxEntries, maxBytes: config.segmentMaxBytes })) {
      await writer.put(segment.path, segment.data, segment.sha256);
      segments.push({ path: segment.path, sha256: segment.sha256, bytes: segment.data.length, firstSeq: segment.firstSeq, entries: segment.entries });
      bytes += segment.data.length;
    }
    const checkpoints: BundleFile[] = [];
    for (const [position, note] of plan.checkpoints.entries()) {
      const data = Buffer.from(note, 'utf8');
      const file = { path: checkpointPath(position + 1), sha256: sha256Hex(data), bytes: data.length };
      await writer.put(file.path, data, file.sha256);
      checkpoints.push(file);
    }
    const keys = keysFile(deps.verifierKeys);
    await writer.put(keys.path, keys.data, keys.sha256);
    const manifest = buildManifest({ plan, reader: deps.reader, segments, checkpoints, keys: { path: keys.path, sha256: keys.sha256, bytes: keys.data.length }, exportedAt, retention: { dataClass: config.dataClass, mode: policy.mode, retainDays: policy.retainDays, retainUntil: retainUntil.toISOString() } });
    const serialised = serialiseManifest(manifest);
    const receipt = await writer.publish(serialised.data, serialised.sha256);
    bytes += serialised.data.length;
    return { receipt: { ...receipt, index: plan.index, firstSeq: plan.firstSeq, endSeq: plan.endSeq, bytes, seconds: (performance.now() - started) / 1000 }, manifestSha256: serialised.sha256 };
  } catch (error) {
    await writer.abort().catch(() => undefined);
    throw error;
  }
}
