import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonicalize } from '../core/canonical-json.ts';
import { parseCheckpointBody } from '../core/checkpoint-format.ts';
import { sha256Hex, ZERO_HASH_HEX } from '../core/hash.ts';
import { hashLeaf } from '../core/merkle-hash.ts';
import { parseVerifierKey } from '../core/note-keys.ts';
import type { EntrySource } from './entry-source.ts';
import { StreamingMerkleRoot } from './merkle-root.ts';
import { verifyConsistency, verifyInclusion } from './proofs/index.ts';
import { verifySignedNote } from './signed-note.ts';
import { verifyLog } from './verify-log.ts';

// Checked with the verifier's own code only: this file must not import seal/.
const dir = new URL('../../fixtures/chain/', import.meta.url);
const read = (name: string): string => readFileSync(new URL(name, dir), 'utf8');
interface Vectors {
  origin: string;
  verifierKey: string;
  entries: { seq: number; bytes: string; chainHash: string; leafHash: string }[];
  roots: { size: number; rootHex: string; rootBase64: string }[];
  checkpoints: { size: number; note: string }[];
  inclusionProofs: { seq: number; treeSize: number; path: string[] }[];
  consistencyProofs: { oldSize: number; newSize: number; path: string[] }[];
}
const vectors = JSON.parse(read('vectors.json')) as Vectors;
const lines = read('entries.jsonl').split('\n').slice(0, -1);
const key = parseVerifierKey(read('verifier.key'));
const rootAt = (size: number): Buffer => Buffer.from(vectors.roots[size]!.rootHex, 'hex');

describe('golden chain vectors (fixtures/chain) checked by the verifier', () => {
  it('stores one entry per line, the same bytes as the vectors', () => {
    expect(lines).toEqual(vectors.entries.map((entry) => entry.bytes));
  });

  it.each(vectors.entries.map((entry) => [entry.seq, entry] as const))('entry %i: canonical bytes, chain hash, prev link and leaf hash', (seq, entry) => {
    const bytes = Buffer.from(entry.bytes, 'utf8');
    expect(canonicalize(JSON.parse(entry.bytes))).toBe(entry.bytes);
    expect(sha256Hex(bytes)).toBe(entry.chainHash);
    expect(JSON.parse(entry.bytes).prev).toBe(seq === 0 ? ZERO_HASH_HEX : vectors.entries[seq - 1]!.chainHash);
    expect(JSON.parse(entry.bytes).seq).toBe(seq);
    expect(hashLeaf(bytes).toString('hex')).toBe(entry.leafHash);
  });

  it('has the sealer fill corrects.seq of the correction record', () => {
    expect(JSON.parse(vectors.entries[4]!.bytes).record.corrects).toEqual({ recordId: JSON.parse(vectors.entries[0]!.bytes).record.id, seq: 0 });
  });

  it('recomputes the RFC 6962 root at every size', () => {
    const tree = new StreamingMerkleRoot();
    expect(tree.root().toString('hex')).toBe(vectors.roots[0]!.rootHex);
    for (const entry of vectors.entries) {
      tree.push(Buffer.from(entry.leafHash, 'hex'));
      expect(tree.root().toString('base64')).toBe(vectors.roots[tree.size]!.rootBase64);
    }
  });

  it.each(vectors.checkpoints.map((checkpoint) => [checkpoint.size, checkpoint] as const))('checkpoint of size %i: signature, body, root and head', (size, checkpoint) => {
    expect(read(`checkpoint-${size}.note`)).toBe(checkpoint.note);
    const signed = verifySignedNote(checkpoint.note, [key]);
    expect(signed.ok).toBe(true);
    const body = parseCheckpointBody(signed.ok ? signed.body : '');
    expect(body.ok && body.value).toMatchObject({ origin: vectors.origin, size, rootBase64: vectors.roots[size]!.rootBase64, headHex: vectors.entries[size - 1]!.chainHash });
  });

  it('verifies every inclusion proof, and none for another leaf', () => {
    for (const proof of vectors.inclusionProofs) {
      const path = proof.path.map((hash) => Buffer.from(hash, 'base64'));
      const leafHash = Buffer.from(vectors.entries[proof.seq]!.leafHash, 'hex');
      expect(verifyInclusion({ leafIndex: proof.seq, treeSize: proof.treeSize, leafHash, path }, rootAt(proof.treeSize))).toEqual({ ok: true });
      const other = Buffer.from(vectors.entries[(proof.seq + 1) % proof.treeSize]!.leafHash, 'hex');
      if (proof.treeSize > 1) expect(verifyInclusion({ leafIndex: proof.seq, treeSize: proof.treeSize, leafHash: other, path }, rootAt(proof.treeSize)).ok).toBe(false);
    }
  });

  it('verifies every consistency proof', () => {
    for (const proof of vectors.consistencyProofs) {
      const path = proof.path.map((hash) => Buffer.from(hash, 'base64'));
      expect(verifyConsistency({ oldSize: proof.oldSize, newSize: proof.newSize, path }, rootAt(proof.oldSize), rootAt(proof.newSize))).toEqual({ ok: true });
    }
  });

  it('passes the whole walk as a line-oriented source judged at its last checkpoint', () => {
    const source: EntrySource = {
      kind: 'bundle',
      path: 'fixtures/chain',
      claimedOrigin: vectors.origin,
      shippedKeys: () => [vectors.verifierKey],
      checkpoints: () => vectors.checkpoints.map((checkpoint) => ({ label: `checkpoint-${checkpoint.size}.note`, note: checkpoint.note })),
      start: () => ({ seq: 0, prevHex: ZERO_HASH_HEX, frontier: [] }),
      entries: () => lines.map((line, index) => ({ where: `entries.jsonl:${index + 1}`, storedHash: null, bytes: Buffer.from(line, 'utf8') })),
      capturedAt: () => new Date('2026-01-10T12:30:02.000Z'),
      close: () => undefined,
    };
    const report = verifyLog(source, {});
    expect(report.findings).toEqual([]);
    expect(report).toMatchObject({ ok: true, entries: 5, keys: { from: 'source' } });
  });
});
