import type { ErrorCode } from '../core/errors.ts';

/** One reason a log fails verification, located by seq (entries) or by checkpoint, and by file. */
export interface Finding {
  code: ErrorCode;
  message: string;
  seq?: number;
  checkpoint?: string;
  /** The file (and line or row) the finding is about. */
  where?: string;
  expected?: string;
  actual?: string;
  /**
   * The seqs the finding implicates when that is not `seq` alone: a wrong `prev` at seq n means entry
   * n − 1 or n changed; a root mismatch means some entry between the last matching checkpoint and this one.
   */
  divergence?: { from: number; to: number };
}

/** Findings beyond this many are counted, not listed: one corrupt byte early on can fail every later link. */
export const MAX_LISTED_FINDINGS = 100;

export class FindingList {
  readonly listed: Finding[] = [];
  total = 0;
  private firstExact = Number.POSITIVE_INFINITY;
  private readonly ranges: { from: number; to: number }[] = [];

  add(finding: Finding): void {
    this.total += 1;
    if (this.listed.length < MAX_LISTED_FINDINGS) this.listed.push(finding);
    const span = finding.divergence ?? (finding.seq === undefined ? undefined : { from: finding.seq, to: finding.seq });
    if (span === undefined) return;
    if (span.to - span.from <= 1) this.firstExact = Math.min(this.firstExact, span.from);
    else this.ranges.push(span);
  }

  /**
   * Where the log first diverges from what was signed: the lowest exactly located finding, unless a
   * range (a root mismatch) ends before it with nothing exact inside, then that range's start.
   */
  get firstDivergence(): number | null {
    const starts = this.ranges.filter((range) => range.to < this.firstExact).map((range) => range.from);
    const first = Math.min(this.firstExact, ...starts);
    return Number.isFinite(first) ? first : null;
  }

  has(code: ErrorCode): boolean {
    return this.listed.some((finding) => finding.code === code);
  }
}
