import { KeytrailError } from '../core/errors.ts';
import { EMPTY_TREE_ROOT, hashChildren } from '../core/merkle-hash.ts';

/**
 * RFC 6962 tree kept as stored nodes: node (level, index) is the root of the perfect subtree over
 * leaves [index·2^level, (index+1)·2^level) and is written once, when its last leaf arrives. Old nodes
 * never change, so any root, inclusion or consistency proof reads O(log n) of them.
 */
export interface NodeReader {
  get(level: number, index: number): Buffer | undefined;
}

export interface StoredNode {
  level: number;
  index: number;
  hash: Buffer;
}

/** The nodes completed by appending leaf number `size` (0-based) with hash `leafHash`. */
export function nodesForAppend(size: number, leafHash: Buffer, nodes: NodeReader): StoredNode[] {
  const created: StoredNode[] = [{ level: 0, index: size, hash: leafHash }];
  let index = size;
  let hash = leafHash;
  for (let level = 0; index % 2 === 1; level += 1) {
    const left = requireNode(nodes, level, index - 1);
    hash = hashChildren(left, hash);
    index = Math.floor(index / 2);
    created.push({ level: level + 1, index, hash });
  }
  return created;
}

/** The perfect subtrees a tree of `size` leaves decomposes into, left to right (binary digits of size). */
export function perfectSubtrees(size: number): { level: number; index: number }[] {
  const subtrees: { level: number; index: number }[] = [];
  let start = 0;
  for (let level = floorLog2(Math.max(size, 1)); level >= 0; level -= 1) {
    const width = 2 ** level;
    if (start + width <= size) {
      subtrees.push({ level, index: start / width });
      start += width;
    }
  }
  return subtrees;
}

/** floor(log2(x)) for a positive safe integer, exact where Math.log2 rounds near powers of two. */
export function floorLog2(x: number): number {
  let level = Math.floor(Math.log2(x));
  while (2 ** level > x) level -= 1;
  while (2 ** (level + 1) <= x) level += 1;
  return level;
}

/** MTH of the first `size` leaves (RFC 6962 §2.1), from stored nodes. */
export function rootAt(size: number, nodes: NodeReader): Buffer {
  if (size === 0) return EMPTY_TREE_ROOT;
  const hashes = perfectSubtrees(size).map(({ level, index }) => requireNode(nodes, level, index));
  let root = hashes.pop()!;
  while (hashes.length > 0) root = hashChildren(hashes.pop()!, root);
  return root;
}

export function requireNode(nodes: NodeReader, level: number, index: number): Buffer {
  const hash = nodes.get(level, index);
  if (hash === undefined) throw new KeytrailError('SEAL_STORE_CORRUPT', `the chain store has no tree node (${level}, ${index}), which its entries imply`, { details: { level, index } });
  return hash;
}
