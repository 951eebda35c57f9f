import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex } from '../../src/core/hash.ts';
import { checkpointPath, segmentPath, type BundleManifest } from '../../src/core/schemas/bundle-manifest.ts';
import { bodyOf, type Model } from './tampers.ts';

/**
 * Copies an exported bundle (exported with `immutable: off`) to `target` and rewrites it to hold `model`,
 * as an attacker who knows the format would: one segment with the model's entries, its checkpoints in
 * order, and a manifest whose hashes, sizes, counts and closing checkpoint all match the new files. What
 * is left to catch the change is what the entries and signatures prove.
 */
export function writeTamperedBundle(bundleDir: string, target: string, model: Model): string {
  cpSync(bundleDir, target, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(target, 'manifest.json'), 'utf8')) as BundleManifest;
  for (const sub of ['segments', 'checkpoints']) {
    rmSync(join(target, sub), { recursive: true, force: true });
    mkdirSync(join(target, sub));
  }
  rmSync(join(target, 'manifest.json'));
  const segment = Buffer.concat(model.rows.flatMap((row) => [row.bytes, Buffer.from('\n')]));
  const path = segmentPath(manifest.firstSeq);
  writeFileSync(join(target, path), segment);
  const checkpoints = model.checkpoints.map((checkpoint, index) => {
    const file = checkpointPath(index + 1);
    writeFileSync(join(target, file), checkpoint.note);
    return { path: file, sha256: sha256Hex(checkpoint.note), bytes: Buffer.byteLength(checkpoint.note) };
  });
  const closing = model.checkpoints[model.checkpoints.length - 1]!;
  const body = bodyOf(closing.note);
  const rewritten: BundleManifest = {
    ...manifest,
    endSeq: manifest.firstSeq + model.rows.length,
    segments: [{ path, sha256: sha256Hex(segment), bytes: segment.length, firstSeq: manifest.firstSeq, entries: model.rows.length }],
    checkpoints,
    closingCheckpoint: { path: checkpoints[checkpoints.length - 1]!.path, size: body.size, rootBase64: body.rootBase64, headHex: body.headHex },
    consistency: { oldSize: manifest.firstSeq, newSize: manifest.firstSeq + model.rows.length, path: [] },
  };
  writeFileSync(join(target, 'manifest.json'), `${JSON.stringify(rewritten, null, 2)}\n`);
  return target;
}
