import { parseCheckpointBody, type CheckpointBody } from '../core/checkpoint-format.ts';
import { KeytrailError } from '../core/errors.ts';
import { hashLeaf } from '../core/merkle-hash.ts';
import type { ChainReader } from '../core/ports.ts';
import type { ConsistencyProofDocument, InclusionProofDocument } from '../core/schemas/proof.ts';

/** A checkpoint chosen for a proof: the stored newest one, one of a given size, or a note the caller holds. */
export type CheckpointChoice = { latest: true } | { size: number } | { note: string; label: string };

/**
 * `keytrail prove`: entry `seq`, its audit path and the checkpoint it leads to. The checkpoint must be
 * of this log (its root equals the stored tree's root at its size) and must cover the entry.
 */
export function buildInclusionDocument(reader: ChainReader, seq: number, choice: CheckpointChoice): InclusionProofDocument {
  const { note, body } = resolveCheckpoint(reader, choice, seq + 1);
  if (seq >= body.size) throw new KeytrailError('SEAL_TREE_SIZE_UNKNOWN', `entry ${seq} is not covered by the checkpoint of ${body.size} entries; wait for the next checkpoint or pick a later one`, { details: { seq, size: body.size } });
  const [row] = [...reader.entries(seq, seq + 1)];
  if (row === undefined) throw new KeytrailError('SEAL_TREE_SIZE_UNKNOWN', `there is no entry ${seq} in the chain store`, { details: { seq } });
  return {
    v: 1,
    type: 'inclusion',
    origin: reader.origin,
    seq,
    treeSize: body.size,
    entry: row.bytes.toString('utf8'),
    leafHash: hashLeaf(row.bytes).toString('hex'),
    path: reader.inclusionProof(seq, body.size).map((hash) => hash.toString('base64')),
    checkpoint: note,
  };
}

/** `keytrail consistency OLD NEW`: the proof that the older checkpoint's tree is a prefix of the newer one's. */
export function buildConsistencyDocument(reader: ChainReader, older: CheckpointChoice, newer: CheckpointChoice): ConsistencyProofDocument {
  const first = resolveCheckpoint(reader, older, 0);
  const second = resolveCheckpoint(reader, newer, 0);
  if (first.body.size > second.body.size) throw new KeytrailError('SEAL_TREE_SIZE_UNKNOWN', `the old checkpoint (${first.body.size} entries) is larger than the new one (${second.body.size}); give them oldest first`);
  return {
    v: 1,
    type: 'consistency',
    origin: reader.origin,
    oldSize: first.body.size,
    newSize: second.body.size,
    path: reader.consistencyProof(first.body.size, second.body.size).map((hash) => hash.toString('base64')),
    oldCheckpoint: first.note,
    newCheckpoint: second.note,
  };
}

function resolveCheckpoint(reader: ChainReader, choice: CheckpointChoice, minSize: number): { note: string; body: CheckpointBody } {
  let note: string | undefined;
  let label: string;
  if ('note' in choice) {
    note = choice.note;
    label = choice.label;
  } else if ('size' in choice) {
    label = `the stored checkpoint of ${choice.size} entries`;
    for (const stored of reader.checkpoints()) if (stored.size === choice.size) note = stored.note;
  } else {
    label = 'the newest stored checkpoint';
    note = reader.latestCheckpoint()?.note;
    if (note !== undefined && readBody(note, label).size < minSize) throw new KeytrailError('SEAL_TREE_SIZE_UNKNOWN', `entry ${minSize - 1} is beyond the newest checkpoint; wait for the next one (at most the checkpoint interval)`);
  }
  if (note === undefined) throw new KeytrailError('SEAL_TREE_SIZE_UNKNOWN', `${label} does not exist`);
  const body = readBody(note, label);
  if (body.origin !== reader.origin) throw new KeytrailError('SEAL_CHECKPOINT_FOREIGN', `${label} is for ${body.origin}, not for this log (${reader.origin})`);
  if (body.size > reader.size() || reader.rootAt(body.size).toString('base64') !== body.rootBase64) {
    throw new KeytrailError('SEAL_CHECKPOINT_FOREIGN', `${label} does not match this chain store: its root over ${body.size} entries differs (run keytrail verify)`);
  }
  return { note, body };
}

function readBody(note: string, label: string): CheckpointBody {
  const split = note.indexOf('\n\n');
  const parsed = parseCheckpointBody(split < 0 ? note : note.slice(0, split + 1));
  if (!parsed.ok) throw new KeytrailError('SEAL_CHECKPOINT_FOREIGN', `${label} is not a keytrail checkpoint: ${parsed.reason}`);
  return parsed.value;
}
