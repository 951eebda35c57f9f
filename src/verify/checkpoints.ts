import { parseCheckpointBody, type CheckpointBody } from '../core/checkpoint-format.ts';
import type { NoteKey } from '../core/note-keys.ts';
import type { FindingList } from './findings.ts';
import { verifySignedNote } from './signed-note.ts';

export interface VerifiedCheckpoint {
  label: string;
  body: CheckpointBody;
  verifiedBy: string[];
}

/**
 * Checks each checkpoint's signature and body. Only checkpoints that pass are returned; they are the
 * ones whose roots and heads are then compared with the recomputed log.
 */
export function verifyCheckpointNotes(
  notes: readonly { label: string; note: string }[],
  trusted: readonly NoteKey[],
  origin: string | null,
  findings: FindingList,
): VerifiedCheckpoint[] {
  const verified: VerifiedCheckpoint[] = [];
  for (const { label, note } of notes) {
    const signed = verifySignedNote(note, trusted);
    if (!signed.ok) {
      findings.add({ code: signed.malformed ? 'VERIFY_CHECKPOINT_MALFORMED' : 'VERIFY_CHECKPOINT_SIGNATURE', checkpoint: label, message: signed.reason });
      continue;
    }
    const body = parseCheckpointBody(signed.body);
    if (!body.ok) {
      findings.add({ code: 'VERIFY_CHECKPOINT_MALFORMED', checkpoint: label, message: body.reason });
      continue;
    }
    if (origin !== null && body.value.origin !== origin) {
      findings.add({ code: 'VERIFY_CHECKPOINT_ORIGIN', checkpoint: label, message: 'the checkpoint is for another log', expected: origin, actual: body.value.origin });
      continue;
    }
    verified.push({ label, body: body.value, verifiedBy: signed.verifiedBy });
  }
  return verified;
}

/** Compares every checkpoint of a given size with the root and head recomputed at that size. */
export function compareAtSize(checkpoints: readonly VerifiedCheckpoint[], rootBase64: string, headHex: string, findings: FindingList): void {
  for (const checkpoint of checkpoints) {
    if (checkpoint.body.rootBase64 !== rootBase64) {
      findings.add({ code: 'VERIFY_CHECKPOINT_ROOT', checkpoint: checkpoint.label, seq: checkpoint.body.size - 1, message: `the Merkle root over the first ${checkpoint.body.size} entries differs from the signed root`, expected: checkpoint.body.rootBase64, actual: rootBase64 });
    }
    if (checkpoint.body.headHex !== headHex) {
      findings.add({ code: 'VERIFY_CHECKPOINT_HEAD', checkpoint: checkpoint.label, seq: checkpoint.body.size - 1, message: `the chain hash of entry ${checkpoint.body.size - 1} differs from the signed head`, expected: checkpoint.body.headHex, actual: headHex });
    }
  }
}
