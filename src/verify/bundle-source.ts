import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHECKPOINT_PATH, KEYS_PATH, SEGMENT_PATH, type BundleManifest } from '../core/schemas/bundle-manifest.ts';
import { checkManifest, noteBody } from './bundle-manifest-check.ts';
import { checkListedFiles, hashFile, listBundleDir } from './bundle-files.ts';
import type { EntrySource, SourceEntry, SourceStart } from './entry-source.ts';
import type { Finding } from './findings.ts';
import { readSegmentLines, type SegmentTotals } from './segment-lines.ts';

export interface BundleSource extends EntrySource {
  manifest: BundleManifest;
  manifestSha256: string;
  /** Signed notes by path, as stored in the bundle. */
  notes: ReadonlyMap<string, string>;
}

/**
 * An exported bundle (docs/FORMAT.md, section 10) as an entry source: segment lines in file-name order,
 * checkpoint files in signing order, the verifier key it ships, and a start at the manifest's first seq
 * with the previous head and frontier, which the walk accepts only if the previous closing checkpoint
 * (signed, shipped in the bundle) vouches for them. What only a bundle can get wrong (files against the
 * manifest, the manifest against the files, the link to the previous bundle) comes back as problems.
 */
export function openBundleSource(dir: string, label: string, manifest: BundleManifest, manifestSha256: string): BundleSource {
  const problems: Finding[] = [];
  const checkpointPaths = listBundleDir(dir, 'checkpoints').filter((path) => CHECKPOINT_PATH.test(path));
  const notes = new Map(checkpointPaths.map((path) => [path, readFileSync(join(dir, path), 'utf8')]));
  checkListedFiles(dir, label, manifest.checkpoints, listBundleDir(dir, 'checkpoints'), problems, (path) => hashFile(dir, path));
  checkListedFiles(dir, label, [manifest.keys], existsSync(join(dir, KEYS_PATH)) ? [KEYS_PATH] : [], problems, (path) => hashFile(dir, path));
  checkManifest(manifest, label, notes, problems);
  const segmentPaths = listBundleDir(dir, 'segments');
  const totals = new Map<string, SegmentTotals>();
  let lines = 0;
  let walked = false;
  const closing = noteBody(notes.get(manifest.closingCheckpoint.path));
  return {
    kind: 'bundle',
    path: dir,
    claimedOrigin: manifest.origin,
    manifest,
    manifestSha256,
    notes,
    shippedKeys() {
      const path = join(dir, KEYS_PATH);
      return existsSync(path) ? readFileSync(path, 'utf8').split('\n').map((line) => line.trim()).filter((line) => line !== '') : [];
    },
    checkpoints: () => checkpointPaths.map((path) => ({ label: `${label}/${path}`, note: notes.get(path)! })),
    start: () => startOf(manifest, label, problems),
    *entries(): Generator<SourceEntry> {
      for (const path of segmentPaths.filter((candidate) => SEGMENT_PATH.test(candidate))) {
        for (const entry of readSegmentLines(join(dir, path), `${label}/${path}`, problems, (result) => totals.set(path, result))) {
          lines += 1;
          yield entry;
        }
      }
      walked = true;
    },
    sizeHint: () => manifest.endSeq - manifest.firstSeq,
    // A bundle is closed by construction: it is judged when its closing checkpoint was signed.
    capturedAt: () => (closing === null ? null : new Date(closing.time)),
    problems() {
      if (!walked) return problems;
      checkListedFiles(dir, label, manifest.segments, segmentPaths, problems, (path) => totals.get(path)?.sha256 ?? null);
      const expected = manifest.endSeq - manifest.firstSeq;
      if (lines < expected) problems.push({ code: 'VERIFY_BUNDLE_TRUNCATED', where: `${label}/segments`, seq: manifest.firstSeq + lines, message: `the segments hold ${lines} entries, the manifest ${expected}: entries ${manifest.firstSeq + lines}–${manifest.endSeq - 1} are gone`, expected: String(expected), actual: String(lines) });
      return problems;
    },
    close: () => undefined,
  };
}

/** The manifest's start; a frontier of the wrong length is reported and replaced so the walk can go on (and fail the anchor). */
function startOf(manifest: BundleManifest, label: string, problems: Finding[]): SourceStart {
  const frontier = manifest.start.frontier.map((hash) => Buffer.from(hash, 'base64'));
  const needed = manifest.firstSeq.toString(2).split('').filter((bit) => bit === '1').length;
  if (frontier.length === needed) return { seq: manifest.firstSeq, prevHex: manifest.start.prevHex, frontier };
  problems.push({ code: 'VERIFY_BUNDLE_MANIFEST_ALTERED', where: `${label}/manifest.json`, message: `start.frontier has ${frontier.length} hashes; ${manifest.firstSeq} entries need ${needed}` });
  return { seq: manifest.firstSeq, prevHex: manifest.start.prevHex, frontier: Array.from({ length: needed }, () => Buffer.alloc(32)) };
}
