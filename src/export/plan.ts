import { parseCheckpointBody, type CheckpointBody } from '../core/checkpoint-format.ts';
import { KeytrailError } from '../core/errors.ts';
import type { ChainReader, StoredCheckpoint } from '../core/ports.ts';
import type { PublishedBundle } from './sink.ts';

/** Where the previous bundle ended, located in the chain store. */
export interface ExportAnchor {
  index: number;
  manifestSha256: string;
  checkpoint: StoredCheckpoint;
  body: CheckpointBody;
}

export interface BundlePlan {
  index: number;
  firstSeq: number;
  endSeq: number;
  previous: ExportAnchor | null;
  /** Signed notes in signing order: the previous closing checkpoint first (if any), the closing one last. */
  checkpoints: string[];
  closing: { note: string; body: CheckpointBody; checkpoint: StoredCheckpoint };
}

export function parseNoteBody(note: string, where: string): CheckpointBody {
  const parsed = parseCheckpointBody(note.slice(0, note.indexOf('\n\n') + 1));
  if (!parsed.ok) throw new KeytrailError('EXPORT_DESTINATION_FOREIGN', `${where}: not a keytrail checkpoint: ${parsed.reason}`);
  return parsed.value;
}

/**
 * Finds the previous bundle's closing checkpoint in the chain store, byte for byte. A destination whose
 * newest bundle ends at a checkpoint this store never signed belongs to another log (or was forged).
 */
export function locateAnchor(reader: ChainReader, bundle: PublishedBundle): ExportAnchor {
  if (bundle.manifest.origin !== reader.origin) {
    throw new KeytrailError('EXPORT_DESTINATION_FOREIGN', `${bundle.name} holds log ${bundle.manifest.origin}, not ${reader.origin}`);
  }
  for (const checkpoint of reader.checkpoints()) {
    if (checkpoint.note === bundle.closingNote) return { index: bundle.manifest.index, manifestSha256: bundle.manifestSha256, checkpoint, body: parseNoteBody(checkpoint.note, bundle.name) };
  }
  throw new KeytrailError('EXPORT_DESTINATION_FOREIGN', `${bundle.name} ends at a checkpoint (size ${bundle.manifest.endSeq}) this chain store never signed`);
}

/**
 * The next bundle after `previous`: it ends at a signed checkpoint, so every entry in it is covered by
 * a signature. Its end is the largest checkpoint size within `maxEntries` of its start (or the smallest
 * beyond, if one checkpoint covers more); it carries the checkpoints signed after the previous closing
 * one up to the first of its end size, so the same start always gives the same bundle.
 */
export function planNextBundle(reader: ChainReader, previous: ExportAnchor | null, maxEntries: number): BundlePlan | null {
  const firstSeq = previous?.body.size ?? 0;
  const candidates: { checkpoint: StoredCheckpoint; size: number }[] = [];
  for (const checkpoint of reader.checkpoints(previous?.checkpoint.id ?? 0)) {
    if (checkpoint.size > firstSeq) candidates.push({ checkpoint, size: checkpoint.size });
  }
  if (candidates.length === 0) return null;
  const within = candidates.filter((candidate) => candidate.size <= firstSeq + maxEntries);
  const endSeq = within.length > 0 ? within[within.length - 1]!.size : candidates[0]!.size;
  const closingIndex = candidates.findIndex((candidate) => candidate.size === endSeq);
  const closing = candidates[closingIndex]!.checkpoint;
  const notes = candidates.slice(0, closingIndex + 1).map((candidate) => candidate.checkpoint.note);
  return {
    index: (previous?.index ?? 0) + 1,
    firstSeq,
    endSeq,
    previous,
    checkpoints: previous === null ? notes : [previous.checkpoint.note, ...notes],
    closing: { note: closing.note, body: parseNoteBody(closing.note, `checkpoint #${closing.id}`), checkpoint: closing },
  };
}
