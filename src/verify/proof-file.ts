import { canonicalize } from '../core/canonical-json.ts';
import { parseCheckpointBody, type CheckpointBody } from '../core/checkpoint-format.ts';
import { KeytrailError } from '../core/errors.ts';
import { sha256Hex } from '../core/hash.ts';
import { hashLeaf } from '../core/merkle-hash.ts';
import type { NoteKey } from '../core/note-keys.ts';
import { schemaError } from '../core/schema-error.ts';
import { ProofDocument, type ConsistencyProofDocument, type InclusionProofDocument } from '../core/schemas/proof.ts';
import { FindingList, type Finding } from './findings.ts';
import { verifyConsistency, verifyInclusion } from './proofs/index.ts';
import { verifySignedNote } from './signed-note.ts';

export interface ProofReport {
  ok: boolean;
  type: 'inclusion' | 'consistency';
  origin: string;
  /** inclusion: the entry's seq and the tree size; consistency: the two sizes. */
  sizes: { seq?: number; treeSize?: number; oldSize?: number; newSize?: number };
  verifiedBy: string[];
  findings: Finding[];
}

/** Parses a proof file strictly; anything but a v1 proof document is a usage error, not a failed proof. */
export function parseProofDocument(text: string): ProofDocument {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new KeytrailError('VERIFY_PROOF_MALFORMED', `the proof file is not JSON: ${(error as Error).message}`);
  }
  const parsed = ProofDocument.safeParse(value);
  if (!parsed.success) throw schemaError('VERIFY_PROOF_MALFORMED', 'the proof file is not a keytrail proof document', parsed.error);
  return parsed.data;
}

/** Checks a proof offline with nothing but the document and the auditor's verifier keys. */
export function verifyProofDocument(document: ProofDocument, trusted: readonly NoteKey[]): ProofReport {
  const findings = new FindingList();
  const verifiedBy = new Set<string>();
  const checkpoint = (note: string, label: string): CheckpointBody | undefined => {
    const signed = verifySignedNote(note, trusted);
    if (!signed.ok) return void findings.add({ code: signed.rejection === 'untrusted' ? 'VERIFY_CHECKPOINT_UNTRUSTED' : signed.rejection === 'malformed' ? 'VERIFY_CHECKPOINT_MALFORMED' : 'VERIFY_CHECKPOINT_SIGNATURE', checkpoint: label, message: signed.reason });
    signed.verifiedBy.forEach((key) => verifiedBy.add(key));
    const body = parseCheckpointBody(signed.body);
    if (!body.ok) return void findings.add({ code: 'VERIFY_CHECKPOINT_MALFORMED', checkpoint: label, message: body.reason });
    if (body.value.origin !== document.origin) return void findings.add({ code: 'VERIFY_CHECKPOINT_ORIGIN', checkpoint: label, message: 'the checkpoint is for another log', expected: document.origin, actual: body.value.origin });
    return body.value;
  };
  if (document.type === 'inclusion') checkInclusion(document, checkpoint(document.checkpoint, 'checkpoint'), findings);
  else checkConsistency(document, checkpoint(document.oldCheckpoint, 'oldCheckpoint'), checkpoint(document.newCheckpoint, 'newCheckpoint'), findings);
  const sizes = document.type === 'inclusion' ? { seq: document.seq, treeSize: document.treeSize } : { oldSize: document.oldSize, newSize: document.newSize };
  return { ok: findings.total === 0, type: document.type, origin: document.origin, sizes, verifiedBy: [...verifiedBy], findings: findings.listed };
}

function checkInclusion(document: InclusionProofDocument, body: CheckpointBody | undefined, findings: FindingList): void {
  const bytes = Buffer.from(document.entry, 'utf8');
  const fail = (message: string, expected?: string, actual?: string): void => findings.add({ code: 'VERIFY_PROOF_INVALID', seq: document.seq, message, expected, actual });
  let entry: { seq?: unknown; chain?: unknown } = {};
  try {
    entry = JSON.parse(document.entry) as typeof entry;
    if (canonicalize(entry) !== document.entry) findings.add({ code: 'VERIFY_ENTRY_NOT_CANONICAL', seq: document.seq, message: 'the entry is not in RFC 8785 canonical form' });
  } catch {
    fail('the entry is not JSON');
  }
  if (entry.seq !== document.seq) fail('the entry carries another seq than the proof', String(document.seq), String(entry.seq));
  if (entry.chain !== document.origin) fail('the entry names another chain', document.origin, String(entry.chain));
  const leafHash = hashLeaf(bytes);
  if (leafHash.toString('hex') !== document.leafHash) fail('leafHash is not SHA-256(0x00 ‖ entry bytes)', leafHash.toString('hex'), document.leafHash);
  if (body === undefined) return;
  if (body.size !== document.treeSize) fail('the checkpoint is of another tree size than the proof', String(document.treeSize), String(body.size));
  if (document.seq === body.size - 1 && sha256Hex(bytes) !== body.headHex) fail('the last entry under the checkpoint is not its signed head', body.headHex, sha256Hex(bytes));
  const result = verifyInclusion({ leafIndex: document.seq, treeSize: body.size, leafHash, path: document.path.map((hash) => Buffer.from(hash, 'base64')) }, Buffer.from(body.rootBase64, 'base64'));
  if (!result.ok) fail(`the audit path does not lead to the signed root ${body.rootBase64}: ${result.reason}`);
}

function checkConsistency(document: ConsistencyProofDocument, older: CheckpointBody | undefined, newer: CheckpointBody | undefined, findings: FindingList): void {
  if (older === undefined || newer === undefined) return;
  const fail = (message: string, expected?: string, actual?: string): void => findings.add({ code: 'VERIFY_PROOF_INVALID', message, expected, actual });
  if (older.size !== document.oldSize || newer.size !== document.newSize) fail('the checkpoints are of other sizes than the proof', `${document.oldSize} → ${document.newSize}`, `${older.size} → ${newer.size}`);
  const result = verifyConsistency({ oldSize: older.size, newSize: newer.size, path: document.path.map((hash) => Buffer.from(hash, 'base64')) }, Buffer.from(older.rootBase64, 'base64'), Buffer.from(newer.rootBase64, 'base64'));
  if (!result.ok) fail(`the newer checkpoint's tree does not extend the older one: ${result.reason}`);
}
