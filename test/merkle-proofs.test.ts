import { describe, expect, it } from 'vitest';
import { hashChildren, hashLeaf, largestPowerOfTwoBelow } from '../src/core/merkle-hash.ts';
import { rootAt } from '../src/seal/merkle-tree.ts';
import { buildConsistencyProof, buildInclusionProof } from '../src/seal/proofs.ts';
import { verifyConsistency, verifyInclusion } from '../src/verify/proofs/index.ts';
import { buildMemoryTree } from './helpers/memory-tree.ts';

// A third, deliberately naive implementation: the RFC 9162 §2.1.1 definitions, recursively over leaves.
function mth(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 1) return hashLeaf(leaves[0]!);
  const k = largestPowerOfTwoBelow(leaves.length);
  return hashChildren(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

const LEAVES = Array.from({ length: 70 }, (_, index) => Buffer.from(`leaf ${index}`));
const tree = buildMemoryTree(LEAVES);

describe('sealer proofs verified by the verifier, every size up to 70', () => {
  it('agrees with the naive MTH at every size', () => {
    for (let size = 1; size <= LEAVES.length; size += 1) expect(rootAt(size, tree).equals(mth(LEAVES.slice(0, size)))).toBe(true);
  });

  it('proves every leaf at every size, and no leaf at a wrong index', () => {
    for (let size = 1; size <= LEAVES.length; size += 1) {
      const root = rootAt(size, tree);
      for (let index = 0; index < size; index += 1) {
        const path = buildInclusionProof(index, size, tree);
        expect(verifyInclusion({ leafIndex: index, treeSize: size, leafHash: hashLeaf(LEAVES[index]!), path }, root)).toEqual({ ok: true });
        if (size > 1) expect(verifyInclusion({ leafIndex: (index + 1) % size, treeSize: size, leafHash: hashLeaf(LEAVES[index]!), path }, root).ok).toBe(false);
      }
    }
  });

  it('proves consistency between every pair of sizes, and rejects a different old root', () => {
    for (let newSize = 1; newSize <= LEAVES.length; newSize += 1) {
      const newRoot = rootAt(newSize, tree);
      for (let oldSize = 1; oldSize <= newSize; oldSize += 1) {
        const path = buildConsistencyProof(oldSize, newSize, tree);
        const oldRoot = rootAt(oldSize, tree);
        expect(verifyConsistency({ oldSize, newSize, path }, oldRoot, newRoot)).toEqual({ ok: true });
        const forged = mth([...LEAVES.slice(0, oldSize - 1), Buffer.from('forged')]);
        expect(verifyConsistency({ oldSize, newSize, path }, forged, newRoot).ok).toBe(false);
      }
    }
  });
});
