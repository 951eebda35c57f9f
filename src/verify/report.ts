import type { Finding } from './findings.ts';

export interface VerifyReport {
  ok: boolean;
  source: string;
  kind: 'data-dir' | 'bundle';
  origin: string | null;
  /** Tree size reached: the number of entries in the log (from seq 0). */
  entries: number;
  /** The first seq the source holds (0 for a data directory). */
  firstSeq: number;
  checkpoints: {
    total: number;
    verified: number;
    given: number;
    newest: { label: string; size: number; time: string; rootBase64: string; headHex: string } | null;
  };
  /** Entries beyond every checkpoint; never counted as verified, accepted only on a fresh live log. */
  pending: { fromSeq: number; count: number; accepted: boolean } | null;
  freshness: { at: string; newestSignedAt: string | null; maxAgeMs: number; fresh: boolean };
  keys: { trusted: string[]; from: 'argument' | 'source' };
  /** What was checked, so a pass is never claimed for something that was not looked at. */
  checks: string[];
  findings: Finding[];
  findingsTotal: number;
  /** The lowest seq any finding implicates: where the log first diverges from what was signed. */
  firstDivergence: number | null;
}

export function formatReport(report: VerifyReport): string {
  const lines = [`keytrail verify ${report.source}`, `  origin       ${report.origin ?? '(unknown)'}`, `  entries      ${report.entries}${report.firstSeq > 0 ? ` (this source holds seq ${report.firstSeq} on)` : ''}`];
  const newest = report.checkpoints.newest;
  lines.push(`  checkpoints  ${report.checkpoints.verified} of ${report.checkpoints.total} signed by a trusted key${report.checkpoints.given > 0 ? `, plus ${report.checkpoints.given} given` : ''}${newest === null ? '' : `; newest covers ${newest.size} entries, signed ${newest.time}`}`);
  lines.push(`  freshness    ${report.freshness.fresh ? 'fresh' : 'STALE'} at ${report.freshness.at} (newest signed ${report.freshness.newestSignedAt ?? 'never'}, limit ${report.freshness.maxAgeMs / 1000} s)`);
  if (report.pending !== null) {
    const range = `seq ${report.pending.fromSeq}–${report.pending.fromSeq + report.pending.count - 1}`;
    lines.push(`  pending      ${report.pending.count} entries (${range}) chained but not signed${report.pending.accepted ? ': a live tail within the checkpoint interval, not counted as verified' : ': not accepted, see VERIFY_UNCOVERED_ENTRIES'}`);
  }
  lines.push(`  keys         ${report.keys.trusted.join(', ')}${report.keys.from === 'source' ? ' (stored with the log; pass --key with a key you hold to make this check independent)' : ''}`);
  lines.push(`  checked      ${report.checks.join(', ')}`);
  if (report.ok) {
    const signed = newest === null ? 0 : newest.size;
    lines.push(`OK: ${signed} entries verified against signed checkpoints: every entry, chain link, Merkle root and checkpoint signature`);
    return `${lines.join('\n')}\n`;
  }
  lines.push(`FAILED: ${report.findingsTotal} finding${report.findingsTotal === 1 ? '' : 's'}${report.firstDivergence === null ? '' : `; first divergence at seq ${report.firstDivergence}`}`);
  for (const finding of report.findings) {
    const place = finding.seq !== undefined ? `seq ${finding.seq}` : (finding.checkpoint ?? '');
    const file = finding.where !== undefined && finding.where !== finding.checkpoint ? ` [${finding.where}]` : finding.checkpoint !== undefined && finding.seq !== undefined ? ` [${finding.checkpoint}]` : '';
    const values = finding.expected === undefined ? '' : `\n      expected ${finding.expected}\n      actual   ${finding.actual ?? '(none)'}`;
    lines.push(`  ${place}${file}  ${finding.code}  ${finding.message}${values}`);
  }
  if (report.findingsTotal > report.findings.length) lines.push(`  … and ${report.findingsTotal - report.findings.length} more`);
  return `${lines.join('\n')}\n`;
}
