import { describe, expect, it } from 'vitest';
import { loadConsistencyVectors, loadInclusionVectors } from '../../../test/helpers/merkle-vectors.ts';
import { verifyConsistency, verifyInclusion } from './index.ts';

const inclusion = loadInclusionVectors();
const consistency = loadConsistencyVectors();

describe('verifyInclusion (RFC 9162 §2.1.3.2) on the transparency-dev/merkle vectors', () => {
  it('has both happy paths and malformed cases to run', () => {
    expect(inclusion.filter((vector) => !vector.wantErr).length).toBeGreaterThanOrEqual(5);
    expect(inclusion.filter((vector) => vector.wantErr).length).toBeGreaterThanOrEqual(25);
  });

  it.each(inclusion.map((vector) => [vector.file, vector] as const))('%s', (_file, vector) => {
    const result = verifyInclusion({ leafIndex: vector.leafIdx, treeSize: vector.treeSize, leafHash: vector.leafHash, path: vector.proof }, vector.root);
    expect(result.ok).toBe(!vector.wantErr);
  });
});

describe('verifyConsistency (RFC 9162 §2.1.4.2) on the transparency-dev/merkle vectors', () => {
  it('has both happy paths and malformed cases to run', () => {
    expect(consistency.filter((vector) => !vector.wantErr).length).toBeGreaterThanOrEqual(5);
    expect(consistency.filter((vector) => vector.wantErr).length).toBeGreaterThanOrEqual(20);
  });

  it.each(consistency.map((vector) => [vector.file, vector] as const))('%s', (_file, vector) => {
    const result = verifyConsistency({ oldSize: vector.size1, newSize: vector.size2, path: vector.proof }, vector.root1, vector.root2);
    expect(result.ok).toBe(!vector.wantErr);
  });

  it('accepts the empty tree as a prefix of any tree, with an empty proof only', () => {
    const root = Buffer.alloc(32, 7);
    expect(verifyConsistency({ oldSize: 0, newSize: 5, path: [] }, Buffer.alloc(32), root).ok).toBe(true);
    expect(verifyConsistency({ oldSize: 0, newSize: 5, path: [root] }, Buffer.alloc(32), root).ok).toBe(false);
  });
});
