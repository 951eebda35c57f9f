import type { Finding } from './findings.ts';
import { formatReport, type VerifyReport } from './report.ts';

export interface ChainBundle {
  name: string;
  index: number | null;
  firstSeq: number | null;
  endSeq: number | null;
  report: VerifyReport;
}

export interface ChainReport {
  ok: boolean;
  kind: 'bundle-chain';
  source: string;
  origin: string | null;
  /** Entries covered by the chain, seq 0 to the last bundle's end, when it is contiguous. */
  entries: number;
  bundles: ChainBundle[];
  /** Interrupted export attempts that a complete bundle of the same index replaced (S3 keeps them, locked). */
  superseded: string[];
  /** Findings about the chain itself: gaps, order, links between bundles, S3 object state. */
  findings: Finding[];
  /** Chain findings plus every bundle's findings. */
  findingsTotal: number;
}

export function formatChainReport(report: ChainReport): string {
  const lines = [`keytrail verify ${report.source}`, `  origin       ${report.origin ?? '(unknown)'}`, `  bundles      ${report.bundles.length}${report.entries === 0 ? ', no complete bundle' : `, seq 0–${report.entries - 1} (${report.entries} entries)`}`];
  if (report.superseded.length > 0) lines.push(`  superseded   ${report.superseded.join(', ')} (interrupted export attempts, replaced by a complete bundle of the same index; not counted)`);
  for (const bundle of report.bundles) {
    const range = bundle.firstSeq === null || bundle.endSeq === null ? '' : ` seq ${bundle.firstSeq}–${bundle.endSeq - 1}`;
    lines.push(`  ${bundle.name}${range}  ${bundle.report.ok ? 'OK' : `FAILED (${bundle.report.findingsTotal} finding${bundle.report.findingsTotal === 1 ? '' : 's'})`}`);
    if (!bundle.report.ok) lines.push(...formatReport(bundle.report).trimEnd().split('\n').filter((line) => line.startsWith('  ') && !/^  (origin|entries|checkpoints|freshness|keys|checked|pending) /.test(line)).map((line) => `  ${line}`));
  }
  for (const finding of report.findings) {
    const values = finding.expected === undefined ? '' : `\n      expected ${finding.expected}\n      actual   ${finding.actual ?? '(none)'}`;
    lines.push(`  ${finding.where ?? ''}  ${finding.code}  ${finding.message}${values}`);
  }
  lines.push(report.ok ? `OK: ${report.bundles.length} bundles, ${report.entries} entries verified against signed checkpoints, every bundle linked to the one before it` : `FAILED: ${report.findingsTotal} finding${report.findingsTotal === 1 ? '' : 's'}`);
  return `${lines.join('\n')}\n`;
}
