import type { ErrorCode } from '../core/errors.ts';

/** One reason a log fails verification, located by seq (entries) or by checkpoint/file. */
export interface Finding {
  code: ErrorCode;
  message: string;
  seq?: number;
  checkpoint?: string;
  expected?: string;
  actual?: string;
}

/** Findings beyond this many are counted, not listed: one corrupt byte early on can fail every later link. */
export const MAX_LISTED_FINDINGS = 100;

export class FindingList {
  readonly listed: Finding[] = [];
  total = 0;

  add(finding: Finding): void {
    this.total += 1;
    if (this.listed.length < MAX_LISTED_FINDINGS) this.listed.push(finding);
  }

  get first(): Finding | undefined {
    return this.listed[0];
  }
}
