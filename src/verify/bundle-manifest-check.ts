import { parseCheckpointBody, type CheckpointBody } from '../core/checkpoint-format.ts';
import type { BundleManifest } from '../core/schemas/bundle-manifest.ts';
import type { Finding } from './findings.ts';
import { verifyConsistency } from './proofs/index.ts';

const DAY_MS = 86_400_000;

export function noteBody(note: string | undefined): CheckpointBody | null {
  if (note === undefined) return null;
  const parsed = parseCheckpointBody(note.slice(0, note.indexOf('\n\n') + 1));
  return parsed.ok ? parsed.value : null;
}

/**
 * Everything the manifest states that the bundle's own files can confirm: the seq range, the segment
 * layout, the closing and previous checkpoints, the retention arithmetic, and the consistency proof
 * from the previous closing checkpoint to this one (RFC 9162 §2.1.4.2). Signatures are the walk's job.
 */
export function checkManifest(manifest: BundleManifest, label: string, notes: ReadonlyMap<string, string>, findings: Finding[]): void {
  const where = `${label}/manifest.json`;
  const altered = (message: string, expected?: string, actual?: string): void => void findings.push({ code: 'VERIFY_BUNDLE_MANIFEST_ALTERED', where, message, expected, actual });
  const listed = manifest.checkpoints.map((file) => file.path);
  if (manifest.endSeq < manifest.firstSeq) altered('endSeq is below firstSeq', `≥ ${manifest.firstSeq}`, String(manifest.endSeq));
  let next = manifest.firstSeq;
  for (const segment of manifest.segments) {
    if (segment.firstSeq !== next) altered(`segment ${segment.path} does not continue the one before it`, String(next), String(segment.firstSeq));
    next = segment.firstSeq + segment.entries;
  }
  if (next !== manifest.endSeq) altered('the segments do not add up to the seq range', String(manifest.endSeq), String(next));
  if ((manifest.index === 1) !== (manifest.previous === null) || (manifest.previous === null) !== (manifest.firstSeq === 0)) {
    altered('only bundle 1 starts at seq 0 without a previous bundle', 'index 1 ⇔ firstSeq 0 ⇔ previous null', `index ${manifest.index}, firstSeq ${manifest.firstSeq}, previous ${manifest.previous === null ? 'null' : 'set'}`);
  }
  if (manifest.previous !== null && manifest.previous.index !== manifest.index - 1) altered('previous.index is not index − 1', String(manifest.index - 1), String(manifest.previous.index));
  if (listed[listed.length - 1] !== manifest.closingCheckpoint.path) altered('the closing checkpoint is not the last checkpoint listed', listed[listed.length - 1], manifest.closingCheckpoint.path);
  const closing = noteBody(notes.get(manifest.closingCheckpoint.path));
  const { closingCheckpoint } = manifest;
  if (closing !== null && (closing.size !== closingCheckpoint.size || closing.rootBase64 !== closingCheckpoint.rootBase64 || closing.headHex !== closingCheckpoint.headHex)) {
    altered('closingCheckpoint differs from the checkpoint file it names', `${closing.size} ${closing.rootBase64} ${closing.headHex}`, `${closingCheckpoint.size} ${closingCheckpoint.rootBase64} ${closingCheckpoint.headHex}`);
  }
  if (closingCheckpoint.size !== manifest.endSeq) altered('the bundle does not end at its closing checkpoint', String(closingCheckpoint.size), String(manifest.endSeq));
  const previous = manifest.previous === null ? null : noteBody(notes.get(manifest.previous.checkpoint));
  if (manifest.previous !== null && previous !== null) {
    if (previous.size !== manifest.firstSeq || manifest.previous.size !== manifest.firstSeq) altered('the previous closing checkpoint is not at the bundle\'s first seq', String(manifest.firstSeq), String(previous.size));
    if (previous.headHex !== manifest.start.prevHex) altered('start.prevHex is not the head of the previous closing checkpoint', previous.headHex, manifest.start.prevHex);
    if (listed[0] !== manifest.previous.checkpoint) altered('the previous closing checkpoint is not the first checkpoint listed', manifest.previous.checkpoint, listed[0]);
  }
  const retainUntil = Date.parse(manifest.exportedAt) + manifest.retention.retainDays * DAY_MS;
  if (Date.parse(manifest.retention.retainUntil) !== retainUntil) altered('retention.retainUntil is not exportedAt + retainDays', new Date(retainUntil).toISOString(), manifest.retention.retainUntil);
  checkLink(manifest, label, previous, closing, findings);
}

function checkLink(manifest: BundleManifest, label: string, previous: CheckpointBody | null, closing: CheckpointBody | null, findings: Finding[]): void {
  const { consistency } = manifest;
  const where = `${label}/manifest.json`;
  if (consistency.oldSize !== manifest.firstSeq || consistency.newSize !== manifest.endSeq) {
    findings.push({ code: 'VERIFY_BUNDLE_LINK', where, message: 'the consistency proof is not between the previous closing checkpoint and this one', expected: `${manifest.firstSeq} → ${manifest.endSeq}`, actual: `${consistency.oldSize} → ${consistency.newSize}` });
    return;
  }
  if (closing === null || (manifest.previous !== null && previous === null)) return; // unreadable checkpoints are reported by the walk
  const oldRoot = previous === null ? Buffer.alloc(32) : Buffer.from(previous.rootBase64, 'base64');
  const result = verifyConsistency({ oldSize: consistency.oldSize, newSize: consistency.newSize, path: consistency.path.map((hash) => Buffer.from(hash, 'base64')) }, oldRoot, Buffer.from(closing.rootBase64, 'base64'));
  if (!result.ok) findings.push({ code: 'VERIFY_BUNDLE_LINK', where, message: `the consistency proof from size ${consistency.oldSize} to ${consistency.newSize} does not verify: ${result.reason}` });
}
