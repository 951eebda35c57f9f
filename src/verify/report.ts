import type { Finding } from './findings.ts';

export interface VerifyReport {
  ok: boolean;
  source: string;
  kind: 'data-dir';
  origin: string | null;
  entries: number;
  checkpoints: { total: number; verified: number; newest: { size: number; time: string; rootBase64: string; headHex: string } | null };
  keys: { trusted: string[]; from: 'argument' | 'data-dir' };
  /** What was checked, so a pass is never claimed for something that was not looked at. */
  checks: string[];
  findings: Finding[];
  findingsTotal: number;
  /** The lowest seq any finding names: where the log first diverges from what was signed. */
  firstDivergence: number | null;
}

export function formatReport(report: VerifyReport): string {
  const lines = [`keytrail verify ${report.source}`, `  origin       ${report.origin ?? '(unknown)'}`, `  entries      ${report.entries}`];
  const newest = report.checkpoints.newest;
  lines.push(`  checkpoints  ${report.checkpoints.verified} of ${report.checkpoints.total} signed by a trusted key${newest === null ? '' : `; newest covers ${newest.size} entries, signed ${newest.time}`}`);
  lines.push(`  keys         ${report.keys.trusted.join(', ')}${report.keys.from === 'data-dir' ? ' (taken from the data directory; pass --key with a key you hold to make this check independent)' : ''}`);
  lines.push(`  checked      ${report.checks.join(', ')}`);
  if (report.ok) {
    lines.push('OK: every entry, chain link, Merkle root and checkpoint signature verifies');
    return `${lines.join('\n')}\n`;
  }
  lines.push(`FAILED: ${report.findingsTotal} finding${report.findingsTotal === 1 ? '' : 's'}${report.firstDivergence === null ? '' : `; first divergence at seq ${report.firstDivergence}`}`);
  for (const finding of report.findings) {
    const where = finding.seq !== undefined ? `seq ${finding.seq}` : `checkpoint ${finding.checkpoint ?? '?'}`;
    const values = finding.expected === undefined ? '' : ` (expected ${finding.expected}, actual ${finding.actual ?? 'none'})`;
    lines.push(`  ${where}  ${finding.code}  ${finding.message}${values}`);
  }
  if (report.findingsTotal > report.findings.length) lines.push(`  … and ${report.findingsTotal - report.findings.length} more`);
  return `${lines.join('\n')}\n`;
}
