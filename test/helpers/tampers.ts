import { canonicalBytes } from '../../src/core/canonical-json.ts';
import { formatCheckpointBody, parseCheckpointBody, type CheckpointBody } from '../../src/core/checkpoint-format.ts';
import { sha256, sha256Hex } from '../../src/core/hash.ts';
import type { Entry } from '../../src/core/schemas/entry.ts';
import { signCheckpoint } from '../../src/seal/checkpoint.ts';
import { createNoteSigner, generateNoteKeyPair, type NoteSigner } from '../../src/seal/signer.ts';
import { LOG_ORIGIN, type LogModel } from './sealed-log.ts';

export type Model = LogModel;

const clone = (model: Model): Model => ({ rows: model.rows.map((row) => ({ ...row, bytes: Buffer.from(row.bytes), hash: Buffer.from(row.hash) })), checkpoints: model.checkpoints.map((checkpoint) => ({ ...checkpoint })) });

export function parseRow(row: { bytes: Buffer }): Entry {
  return JSON.parse(row.bytes.toString('utf8')) as Entry;
}

export function bodyOf(note: string): CheckpointBody {
  const parsed = parseCheckpointBody(note.slice(0, note.indexOf('\n\n') + 1));
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value;
}

/** Flips one character of entry `seq` inside a string value, keeping it valid JSON; the stored hash is left alone. */
export function modifyOneByte(model: Model, seq: number): Model {
  const next = clone(model);
  const row = next.rows[seq]!;
  const at = row.bytes.indexOf('export-job-01');
  row.bytes[at + 'export-job-0'.length] = '2'.charCodeAt(0);
  return next;
}

export function deleteEntry(model: Model, seq: number): Model {
  const next = clone(model);
  next.rows.splice(seq, 1);
  return next;
}

/** Rebuilds seq, prev, bytes and stored hashes from `from` on, as an attacker who knows the format would. */
function rechain(rows: Model['rows'], from: number): void {
  for (let index = from; index < rows.length; index += 1) {
    const entry = { ...parseRow(rows[index]!), seq: index, prev: index === 0 ? '0'.repeat(64) : sha256Hex(rows[index - 1]!.bytes) };
    const bytes = canonicalBytes(entry);
    rows[index] = { ...rows[index]!, seq: index, bytes, hash: sha256(bytes) };
  }
}

export function insertForgedEntry(model: Model, at: number): Model {
  const next = clone(model);
  const template = parseRow(next.rows[at]!);
  const forged = { ...template, record: { ...template.record, id: sha256Hex('forged'), principal: 'arn:aws:iam::111122223333:user/nobody' } };
  next.rows.splice(at, 0, { seq: at, recordId: forged.record.id, hash: Buffer.alloc(32), bytes: canonicalBytes(forged) });
  next.rows.forEach((row, index) => (row.seq = index));
  rechain(next.rows, at);
  return next;
}

/** Swaps the contents of two rows; each keeps its row key, as an UPDATE of both rows would do. */
export function swapEntries(model: Model, a: number, b: number): Model {
  const next = clone(model);
  const first = next.rows[a]!;
  const second = next.rows[b]!;
  next.rows[a] = { ...second, seq: a };
  next.rows[b] = { ...first, seq: b };
  return next;
}

/** Removes the last `count` entries and every checkpoint that covered them. */
export function truncate(model: Model, count: number): Model {
  const next = clone(model);
  next.rows.splice(next.rows.length - count, count);
  next.checkpoints = next.checkpoints.filter((checkpoint) => checkpoint.size <= next.rows.length);
  return next;
}

export function replaceSignature(model: Model, index: number): Model {
  const next = clone(model);
  const note = next.checkpoints[index]!.note;
  const [text, block] = note.split('\n\n') as [string, string];
  const [dash, name, signature] = block.trimEnd().split(' ') as [string, string, string];
  const forged = Buffer.concat([Buffer.from(signature, 'base64').subarray(0, 4), sha256('a'), sha256('b')]).toString('base64');
  next.checkpoints[index]!.note = `${text}\n\n${dash} ${name} ${forged}\n`;
  return next;
}

/** An attacker changes one entry, rebuilds the whole chain and re-signs every checkpoint with a key of their own. */
export function resignWithAnotherKey(model: Model, seq: number): Model {
  const next = modifyOneByte(model, seq);
  rechain(next.rows, seq);
  const attacker = createNoteSigner(generateNoteKeyPair(LOG_ORIGIN).signerKey);
  next.checkpoints = next.checkpoints.map((checkpoint) => ({ size: checkpoint.size, note: resign(next, checkpoint.size, bodyOf(checkpoint.note).time, attacker) }));
  return next;
}

function resign(model: Model, size: number, time: string, signer: NoteSigner): string {
  const body: CheckpointBody = { origin: LOG_ORIGIN, size, rootBase64: rootOf(model, size).toString('base64'), headHex: size === 0 ? '0'.repeat(64) : sha256Hex(model.rows[size - 1]!.bytes), time };
  return signCheckpoint(body, [signer]);
}

/** Re-serialises entry `seq` with the same content in another key order; the stored hash is updated to match. */
export function makeNonCanonical(model: Model, seq: number): Model {
  const next = clone(model);
  const entry = parseRow(next.rows[seq]!);
  const reordered = Object.fromEntries(Object.entries(entry).reverse());
  const bytes = Buffer.from(JSON.stringify(reordered), 'utf8');
  next.rows[seq] = { ...next.rows[seq]!, bytes, hash: sha256(bytes) };
  return next;
}

/** Replaces the checkpoint of `size` with one the log's own key signed over `change(body)`. */
export function resignCheckpoint(model: Model, size: number, signer: NoteSigner, change: (body: CheckpointBody) => CheckpointBody): Model {
  const next = clone(model);
  const index = next.checkpoints.findIndex((checkpoint) => checkpoint.size === size);
  const body = change(bodyOf(next.checkpoints[index]!.note));
  next.checkpoints[index] = { size: body.size, note: signCheckpoint(body, [signer]) };
  return next;
}

export function headAt(model: Model, size: number): string {
  return sha256Hex(model.rows[size - 1]!.bytes);
}

/** RFC 6962 root over the first `size` entries, recomputed naively for the attacker's convenience. */
export function rootOf(model: Model, size: number): Buffer {
  const leaf = (bytes: Buffer): Buffer => sha256(Buffer.concat([Buffer.from([0]), bytes]));
  const node = (left: Buffer, right: Buffer): Buffer => sha256(Buffer.concat([Buffer.from([1]), left, right]));
  const mth = (from: number, to: number): Buffer => {
    if (to - from === 0) return sha256(Buffer.alloc(0));
    if (to - from === 1) return leaf(model.rows[from]!.bytes);
    let k = 1;
    while (k * 2 < to - from) k *= 2;
    return node(mth(from, from + k), mth(from + k, to));
  };
  return mth(0, size);
}

export { formatCheckpointBody };

/** Appends a forged entry after the last one, chained correctly, with the last entry's sealedAt. */
export function appendForgedEntry(model: Model): Model {
  const next = clone(model);
  const last = next.rows[next.rows.length - 1]!;
  const template = parseRow(last);
  const forged = { ...template, seq: template.seq + 1, prev: sha256Hex(last.bytes), record: { ...template.record, id: sha256Hex('appended'), principal: 'arn:aws:iam::111122223333:user/nobody' } };
  const bytes = canonicalBytes(forged);
  next.rows.push({ seq: forged.seq, recordId: forged.record.id, hash: sha256(bytes), bytes });
  return next;
}
