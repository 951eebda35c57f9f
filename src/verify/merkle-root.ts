import { EMPTY_TREE_ROOT, hashChildren } from '../core/merkle-hash.ts';

/**
 * Streaming RFC 6962 root: a stack of perfect-subtree roots (the binary digits of the leaf count), so
 * the verifier folds any number of leaves in O(log n) memory and can read the root after each leaf.
 * Written independently of the sealer's stored-node tree; both are checked against the golden vectors.
 */
export class StreamingMerkleRoot {
  private readonly stack: { height: number; hash: Buffer }[] = [];
  size = 0;

  /**
   * Starts after `size` leaves given their frontier: the roots of the perfect subtrees the first `size`
   * leaves decompose into, largest first (one per set bit of size). Returns a reason when they do not fit.
   */
  static fromFrontier(size: number, frontier: readonly Buffer[]): StreamingMerkleRoot | string {
    const heights: number[] = [];
    for (let height = 52; height >= 0; height -= 1) if (Math.floor(size / 2 ** height) % 2 === 1) heights.push(height);
    if (heights.length !== frontier.length) return `a frontier for ${size} leaves has ${heights.length} hashes, not ${frontier.length}`;
    const tree = new StreamingMerkleRoot();
    heights.forEach((height, index) => tree.stack.push({ height, hash: frontier[index]! }));
    tree.size = size;
    return tree;
  }

  push(leafHash: Buffer): void {
    let node = { height: 0, hash: leafHash };
    while (this.stack.length > 0 && this.stack[this.stack.length - 1]!.height === node.height) {
      const left = this.stack.pop()!;
      node = { height: node.height + 1, hash: hashChildren(left.hash, node.hash) };
    }
    this.stack.push(node);
    this.size += 1;
  }

  root(): Buffer {
    if (this.stack.length === 0) return EMPTY_TREE_ROOT;
    let root = this.stack[this.stack.length - 1]!.hash;
    for (let index = this.stack.length - 2; index >= 0; index -= 1) root = hashChildren(this.stack[index]!.hash, root);
    return root;
  }
}
