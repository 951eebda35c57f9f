import { hashLeaf } from '../../src/core/merkle-hash.ts';
import { nodesForAppend, type NodeReader } from '../../src/seal/merkle-tree.ts';

/** The sealer's stored-node tree kept in a Map, for tests of proof generation without SQLite. */
export function buildMemoryTree(leaves: readonly Uint8Array[]): NodeReader & { size: number } {
  const stored = new Map<string, Buffer>();
  const reader = { get: (level: number, index: number) => stored.get(`${level}:${index}`), size: 0 };
  leaves.forEach((leaf, index) => {
    for (const node of nodesForAppend(index, hashLeaf(leaf), reader)) stored.set(`${node.level}:${node.index}`, node.hash);
    reader.size = index + 1;
  });
  return reader;
}
