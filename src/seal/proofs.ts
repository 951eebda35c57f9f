import { hashChildren, largestPowerOfTwoBelow } from '../core/merkle-hash.ts';
import { floorLog2, requireNode, type NodeReader } from './merkle-tree.ts';

/**
 * Proof generation from stored nodes (RFC 9162 §2.1.3.1 PATH and §2.1.4.1 SUBPROOF). Every subtree the
 * recursion names is either a stored perfect node or the right edge of a tree, whose hash folds at most
 * log2(n) stored nodes; at most one such edge appears per proof, so a proof reads O(log n) nodes.
 */
export function buildInclusionProof(index: number, size: number, nodes: NodeReader): Buffer[] {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    throw new RangeError(`no inclusion proof for leaf ${index} in a tree of ${size}`);
  }
  const siblings: Buffer[] = [];
  let start = 0;
  let width = size;
  let offset = index;
  // Walk from the root down; PATH lists the siblings from the leaf up, so reverse at the end.
  while (width > 1) {
    const k = largestPowerOfTwoBelow(width);
    if (offset < k) {
      siblings.push(hashRange(start + k, start + width, nodes));
      width = k;
    } else {
      siblings.push(hashRange(start, start + k, nodes));
      start += k;
      offset -= k;
      width -= k;
    }
  }
  return siblings.reverse();
}

/** PROOF(m, D[n]) for 0 < m < n; the empty list when m = 0 or m = n (nothing to prove). */
export function buildConsistencyProof(oldSize: number, newSize: number, nodes: NodeReader): Buffer[] {
  if (!Number.isSafeInteger(oldSize) || !Number.isSafeInteger(newSize) || oldSize < 0 || oldSize > newSize) {
    throw new RangeError(`no consistency proof from size ${oldSize} to size ${newSize}`);
  }
  if (oldSize === 0 || oldSize === newSize) return [];
  const proof: Buffer[] = [];
  appendSubproof(oldSize, 0, newSize, true, nodes, proof);
  return proof;
}

function appendSubproof(m: number, start: number, n: number, isOriginalTree: boolean, nodes: NodeReader, out: Buffer[]): void {
  if (m === n) {
    if (!isOriginalTree) out.push(hashRange(start, start + n, nodes));
    return;
  }
  const k = largestPowerOfTwoBelow(n);
  if (m <= k) {
    appendSubproof(m, start, k, isOriginalTree, nodes, out);
    out.push(hashRange(start + k, start + n, nodes));
  } else {
    appendSubproof(m - k, start + k, n - k, false, nodes, out);
    out.push(hashRange(start, start + k, nodes));
  }
}

/**
 * MTH(D[from:to]) for a range the RFC recursion produces: `from` is a multiple of a power of two at
 * least as large as the range, so the range splits into aligned perfect subtrees, largest first.
 */
export function hashRange(from: number, to: number, nodes: NodeReader): Buffer {
  const parts: Buffer[] = [];
  let start = from;
  while (start < to) {
    const level = floorLog2(to - start);
    const width = 2 ** level;
    if (start % width !== 0) throw new RangeError(`range [${from}, ${to}) is not aligned at ${start}`);
    parts.push(requireNode(nodes, level, start / width));
    start += width;
  }
  let hash = parts.pop()!;
  while (parts.length > 0) hash = hashChildren(parts.pop()!, hash);
  return hash;
}
