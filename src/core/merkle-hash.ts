import { sha256 } from './hash.ts';

/** RFC 6962 §2.1 domain separation prefixes. */
export const RFC6962_LEAF_PREFIX = 0x00;
export const RFC6962_NODE_PREFIX = 0x01;

const LEAF_PREFIX = Buffer.from([RFC6962_LEAF_PREFIX]);
const NODE_PREFIX = Buffer.from([RFC6962_NODE_PREFIX]);

/** MTH({}) = SHA-256() — the root of an empty tree. */
export const EMPTY_TREE_ROOT: Buffer = sha256(Buffer.alloc(0));

/** MTH({d}) = SHA-256(0x00 ‖ d). */
export function hashLeaf(entryBytes: Uint8Array): Buffer {
  return sha256(Buffer.concat([LEAF_PREFIX, entryBytes]));
}

/** SHA-256(0x01 ‖ left ‖ right). */
export function hashChildren(left: Uint8Array, right: Uint8Array): Buffer {
  return sha256(Buffer.concat([NODE_PREFIX, left, right]));
}

/** k = the largest power of two strictly less than n (n > 1), as in RFC 6962 §2.1. */
export function largestPowerOfTwoBelow(n: number): number {
  if (n < 2) throw new RangeError(`split point needs n > 1, got ${n}`);
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
