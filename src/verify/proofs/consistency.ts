import { checkHashLengths, hashChildren, isOdd, toU64, type ProofCheck } from './common.ts';

export interface ConsistencyProof {
  oldSize: number | bigint;
  newSize: number | bigint;
  path: readonly Uint8Array[];
}

/**
 * RFC 9162 §2.1.4.2: verifies that the tree of `oldSize` leaves with root `oldRoot` is a prefix of the
 * tree of `newSize` leaves with root `newRoot`. Equal sizes need an empty proof and equal roots; an
 * empty old tree is a prefix of every tree and needs an empty proof.
 */
export function verifyConsistency(proof: ConsistencyProof, oldRoot: Uint8Array, newRoot: Uint8Array): ProofCheck {
  const first = toU64(proof.oldSize, 'old size');
  const second = toU64(proof.newSize, 'new size');
  if (typeof first === 'string') return { ok: false, reason: first };
  if (typeof second === 'string') return { ok: false, reason: second };
  if (first > second) return { ok: false, reason: `old size ${first} is larger than new size ${second}` };
  const lengths = checkHashLengths([oldRoot, newRoot, ...proof.path], 'hash');
  if (lengths !== null) return { ok: false, reason: `malformed proof: ${lengths}` };
  if (first === second || first === 0n) {
    if (proof.path.length > 0) return { ok: false, reason: `a proof between sizes ${first} and ${second} must be empty` };
    if (first === second && !Buffer.from(oldRoot).equals(newRoot)) return { ok: false, reason: 'equal sizes with different roots' };
    return { ok: true };
  }
  // Step 1.
  if (proof.path.length === 0) return { ok: false, reason: 'empty consistency proof' };
  // Step 2: when the old tree is perfect, its root is the first node of the path.
  const path = (first & (first - 1n)) === 0n ? [oldRoot, ...proof.path] : [...proof.path];
  // Steps 3–4.
  let fn = first - 1n;
  let sn = second - 1n;
  while (isOdd(fn)) {
    fn >>= 1n;
    sn >>= 1n;
  }
  // Step 5.
  let fr: Buffer = Buffer.from(path[0]!);
  let sr: Buffer = Buffer.from(path[0]!);
  // Step 6.
  for (const c of path.slice(1)) {
    if (sn === 0n) return { ok: false, reason: 'the proof has more hashes than the trees need' };
    if (isOdd(fn) || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  // Step 7.
  if (sn !== 0n) return { ok: false, reason: 'the proof has fewer hashes than the trees need' };
  if (!fr.equals(oldRoot)) return { ok: false, reason: 'the recomputed old root differs from the old checkpoint\'s root' };
  if (!sr.equals(newRoot)) return { ok: false, reason: 'the recomputed new root differs from the new checkpoint\'s root' };
  return { ok: true };
}
