import { parseCheckpointBody, type CheckpointBody } from '../core/checkpoint-format.ts';
import type { NoteKey } from '../core/note-keys.ts';
import type { SourceCheckpoint } from './entry-source.ts';
import type { FindingList } from './findings.ts';
import { verifySignedNote } from './signed-note.ts';

export interface VerifiedCheckpoint {
  label: string;
  body: CheckpointBody;
  verifiedBy: string[];
  /** Stored with the log (in signing order) or given by the auditor (`--checkpoint`). */
  from: 'log' | 'auditor';
}

const REJECTION_CODES = { malformed: 'VERIFY_CHECKPOINT_MALFORMED', untrusted: 'VERIFY_CHECKPOINT_UNTRUSTED', 'bad-signature': 'VERIFY_CHECKPOINT_SIGNATURE' } as const;

/**
 * Checks each checkpoint's signatures and body. Only checkpoints that pass are returned; they are the
 * ones whose roots and heads are then compared with the recomputed log.
 */
export function verifyCheckpointNotes(
  notes: readonly SourceCheckpoint[],
  from: VerifiedCheckpoint['from'],
  trusted: readonly NoteKey[],
  origin: string | null,
  findings: FindingList,
): VerifiedCheckpoint[] {
  const verified: VerifiedCheckpoint[] = [];
  for (const { label, note } of notes) {
    const signed = verifySignedNote(note, trusted);
    if (!signed.ok) {
      findings.add({ code: REJECTION_CODES[signed.rejection], checkpoint: label, where: label, message: signed.reason });
      continue;
    }
    const body = parseCheckpointBody(signed.body);
    if (!body.ok) {
      findings.add({ code: 'VERIFY_CHECKPOINT_MALFORMED', checkpoint: label, where: label, message: body.reason });
      continue;
    }
    if (origin !== null && body.value.origin !== origin) {
      findings.add({ code: 'VERIFY_CHECKPOINT_ORIGIN', checkpoint: label, where: label, message: 'the checkpoint is for another log', expected: origin, actual: body.value.origin });
      continue;
    }
    verified.push({ label, body: body.value, verifiedBy: signed.verifiedBy, from });
  }
  return verified;
}

/**
 * A log must never sign two inconsistent checkpoints (C2SP tlog-checkpoint): in signing order sizes and
 * times never go back, and two checkpoints of one size carry one root and one head.
 */
export function checkCheckpointSequence(checkpoints: readonly VerifiedCheckpoint[], findings: FindingList): void {
  const inLog = checkpoints.filter((checkpoint) => checkpoint.from === 'log');
  for (let index = 1; index < inLog.length; index += 1) {
    const before = inLog[index - 1]!;
    const after = inLog[index]!;
    if (after.body.size < before.body.size) {
      findings.add({ code: 'VERIFY_CHECKPOINT_INCONSISTENT', checkpoint: after.label, where: after.label, seq: after.body.size, message: `signed after ${before.label} but covers fewer entries (the log went back)`, expected: `size ≥ ${before.body.size}`, actual: String(after.body.size) });
    }
    if (Date.parse(after.body.time) < Date.parse(before.body.time)) {
      findings.add({ code: 'VERIFY_CHECKPOINT_INCONSISTENT', checkpoint: after.label, where: after.label, message: `signed after ${before.label} but carries an earlier time`, expected: `time ≥ ${before.body.time}`, actual: after.body.time });
    }
  }
  const bySize = new Map<number, VerifiedCheckpoint>();
  for (const checkpoint of checkpoints) {
    const first = bySize.get(checkpoint.body.size);
    if (first === undefined) {
      bySize.set(checkpoint.body.size, checkpoint);
    } else if (first.body.rootBase64 !== checkpoint.body.rootBase64 || first.body.headHex !== checkpoint.body.headHex) {
      findings.add({ code: 'VERIFY_CHECKPOINT_INCONSISTENT', checkpoint: checkpoint.label, where: checkpoint.label, seq: checkpoint.body.size, message: `two signed checkpoints of size ${checkpoint.body.size} disagree (a forked log): ${first.label} and ${checkpoint.label}`, expected: first.body.rootBase64, actual: checkpoint.body.rootBase64 });
    }
  }
}
