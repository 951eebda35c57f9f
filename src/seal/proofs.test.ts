import { describe, expect, it } from 'vitest';
import { buildMemoryTree } from '../../test/helpers/memory-tree.ts';
import { loadConsistencyVectors, loadInclusionVectors, loadReferenceTree } from '../../test/helpers/merkle-vectors.ts';
import { rootAt } from './merkle-tree.ts';
import { buildConsistencyProof, buildInclusionProof } from './proofs.ts';

const reference = loadReferenceTree();
const tree = buildMemoryTree(reference.leaves);

describe('stored-node tree on the RFC 6962 reference tree', () => {
  it.each(reference.roots.map((root, size) => [size, root.toString('hex')] as const))('has the reference root at size %i', (size, root) => {
    expect(rootAt(size, tree).toString('hex')).toBe(root);
  });
});

describe('proof generation reproduces the transparency-dev/merkle happy paths', () => {
  const inclusion = loadInclusionVectors().filter((vector) => !vector.wantErr);
  const consistency = loadConsistencyVectors().filter((vector) => !vector.wantErr);

  it.each(inclusion.map((vector) => [vector.file, vector] as const))('inclusion %s', (_file, vector) => {
    const proof = buildInclusionProof(Number(vector.leafIdx), Number(vector.treeSize), tree);
    expect(proof.map((hash) => hash.toString('base64'))).toEqual(vector.proof.map((hash) => hash.toString('base64')));
    expect(rootAt(Number(vector.treeSize), tree).equals(vector.root)).toBe(true);
  });

  it.each(consistency.map((vector) => [vector.file, vector] as const))('consistency %s', (_file, vector) => {
    const proof = buildConsistencyProof(Number(vector.size1), Number(vector.size2), tree);
    expect(proof.map((hash) => hash.toString('base64'))).toEqual(vector.proof.map((hash) => hash.toString('base64')));
  });
});

describe('proof generation bounds', () => {
  it('refuses a leaf outside the tree and a shrinking consistency range', () => {
    expect(() => buildInclusionProof(8, 8, tree)).toThrow(RangeError);
    expect(() => buildConsistencyProof(5, 4, tree)).toThrow(RangeError);
  });

  it('reads O(log n) stored nodes per proof, never the whole tree', () => {
    const leaves = Array.from({ length: 5000 }, (_, index) => Buffer.from(String(index)));
    const big = buildMemoryTree(leaves);
    let reads = 0;
    const counting = { get: (level: number, index: number) => ((reads += 1), big.get(level, index)) };
    buildInclusionProof(1234, 4999, counting);
    const inclusionReads = reads;
    reads = 0;
    buildConsistencyProof(1234, 4999, counting);
    expect(inclusionReads).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(4999)));
    expect(reads).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(4999)) + 2);
  });
});
