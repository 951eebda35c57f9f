import type { VerifiedCheckpoint } from './checkpoints.ts';
import type { FindingList } from './findings.ts';

interface Observed {
  root: string;
  head: string;
}

/**
 * Follows the walk and records, for every verified checkpoint, the root and head recomputed at its size
 * and, if its head shows up at another position, the root there. That tells a checkpoint with a wrong
 * root (same size, other root), one with a wrong tree size (its head and root belong to another size)
 * and a truncated log (no entry at its size at all) apart.
 */
export class CheckpointMatcher {
  private readonly bySize = new Map<number, VerifiedCheckpoint[]>();
  private readonly byHead = new Map<string, VerifiedCheckpoint[]>();
  private readonly atSize = new Map<VerifiedCheckpoint, Observed>();
  private readonly elsewhere = new Map<VerifiedCheckpoint, Observed & { size: number }>();
  private readonly checkpoints: readonly VerifiedCheckpoint[];

  constructor(checkpoints: readonly VerifiedCheckpoint[]) {
    this.checkpoints = checkpoints;
    for (const checkpoint of checkpoints) {
      push(this.bySize, checkpoint.body.size, checkpoint);
      push(this.byHead, checkpoint.body.headHex, checkpoint);
    }
  }

  /** Called at every tree size the walk reaches; `root` is computed only when a checkpoint needs it. */
  observe(size: number, headHex: string, root: () => string): void {
    const due = this.bySize.get(size);
    const sameHead = this.byHead.get(headHex);
    if (due === undefined && sameHead === undefined) return;
    const rootBase64 = root();
    for (const checkpoint of due ?? []) this.atSize.set(checkpoint, { root: rootBase64, head: headHex });
    for (const checkpoint of sameHead ?? []) {
      if (checkpoint.body.size !== size && !this.elsewhere.has(checkpoint)) this.elsewhere.set(checkpoint, { size, root: rootBase64, head: headHex });
    }
  }

  /** Reports every checkpoint that disagrees with the log; returns the sizes at which the log matches. */
  finish(logSize: number, startSeq: number, findings: FindingList): number[] {
    const matching = this.checkpoints.filter((checkpoint) => this.matches(checkpoint)).map((checkpoint) => checkpoint.body.size);
    const lastMatchBelow = (size: number): number => Math.max(startSeq, ...matching.filter((candidate) => candidate < size));
    for (const checkpoint of this.checkpoints) {
      if (this.matches(checkpoint) || checkpoint.body.size < startSeq) continue;
      const { label, body } = checkpoint;
      const observed = this.atSize.get(checkpoint);
      const other = this.elsewhere.get(checkpoint);
      if (other !== undefined && other.root === body.rootBase64) {
        findings.add({ code: 'VERIFY_CHECKPOINT_SIZE', checkpoint: label, where: label, message: `wrong tree size: the signed root and head are those of the first ${other.size} entries`, expected: String(other.size), actual: String(body.size) });
      } else if (observed === undefined) {
        findings.add({ code: 'VERIFY_TRUNCATED', checkpoint: label, where: label, seq: logSize, message: `the checkpoint vouches for ${body.size} entries but the log holds ${logSize}: entries ${logSize}–${body.size - 1} are gone`, expected: String(body.size), actual: String(logSize) });
      } else {
        const divergence = { from: lastMatchBelow(body.size), to: body.size - 1 };
        if (observed.root !== body.rootBase64) {
          findings.add({ code: 'VERIFY_CHECKPOINT_ROOT', checkpoint: label, where: label, seq: body.size - 1, divergence, message: `the Merkle root over the first ${body.size} entries differs from the signed root: an entry in ${divergence.from}–${divergence.to} was changed, inserted or removed`, expected: body.rootBase64, actual: observed.root });
        }
        if (observed.head !== body.headHex) {
          findings.add({ code: 'VERIFY_CHECKPOINT_HEAD', checkpoint: label, where: label, seq: body.size - 1, divergence, message: `the chain hash of entry ${body.size - 1} differs from the signed head`, expected: body.headHex, actual: observed.head });
        }
      }
    }
    return matching;
  }

  private matches(checkpoint: VerifiedCheckpoint): boolean {
    const observed = this.atSize.get(checkpoint);
    return observed !== undefined && observed.root === checkpoint.body.rootBase64 && observed.head === checkpoint.body.headHex;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
