import { checkHashLengths, hashChildren, isOdd, toU64, type ProofCheck } from './common.ts';

export interface InclusionProof {
  leafIndex: number | bigint;
  treeSize: number | bigint;
  leafHash: Uint8Array;
  path: readonly Uint8Array[];
}

/**
 * RFC 9162 §2.1.3.2: verifies that `leafHash` is leaf `leafIndex` of the tree of `treeSize` leaves
 * whose root is `root`. Written from the RFC's step list; checked against transparency-dev/merkle's
 * vectors, malformed ones included.
 */
export function verifyInclusion(proof: InclusionProof, root: Uint8Array): ProofCheck {
  const index = toU64(proof.leafIndex, 'leaf index');
  const size = toU64(proof.treeSize, 'tree size');
  if (typeof index === 'string') return { ok: false, reason: index };
  if (typeof size === 'string') return { ok: false, reason: size };
  // Step 1.
  if (index >= size) return { ok: false, reason: `leaf index ${index} is not below tree size ${size}` };
  const lengths = checkHashLengths([proof.leafHash, root, ...proof.path], 'hash');
  if (lengths !== null) return { ok: false, reason: `malformed proof: ${lengths}` };
  // Steps 2–3.
  let fn = index;
  let sn = size - 1n;
  let r: Buffer = Buffer.from(proof.leafHash);
  // Step 4.
  for (const p of proof.path) {
    if (sn === 0n) return { ok: false, reason: 'the proof has more hashes than the path to the root' };
    if (isOdd(fn) || fn === sn) {
      r = hashChildren(p, r);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = hashChildren(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  // Step 5.
  if (sn !== 0n) return { ok: false, reason: 'the proof has fewer hashes than the path to the root' };
  if (!r.equals(root)) return { ok: false, reason: 'the recomputed root differs from the given root' };
  return { ok: true };
}
