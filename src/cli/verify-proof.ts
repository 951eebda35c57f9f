import { parseVerifierKey } from '../core/note-keys.ts';
import { parseProofDocument, verifyProofDocument, type ProofReport } from '../verify/proof-file.ts';
import type { Command } from './command.ts';
import { parseCommandArgs, usageError } from './command.ts';
import { readKeyFiles, readTextFile } from './options.ts';

/** `keytrail verify-proof FILE --key K`: checks an inclusion or consistency proof offline. */
export const verifyProofCommand: Command = {
  name: 'verify-proof',
  summary: 'check an inclusion or consistency proof file offline against verifier keys you hold',
  usage: 'keytrail verify-proof FILE --key VERIFIER_KEY_FILE [--key ...] [--json]',
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(this, argv, { key: { type: 'string', multiple: true, default: [] }, json: { type: 'boolean', default: false } }, true);
    if (positionals.length !== 1) throw usageError(this, 'give exactly one proof FILE');
    // A proof checked against keys taken from the proof itself would prove nothing.
    if (values.key.length === 0) throw usageError(this, '--key is required: the verifier key must come from you, not from the proof');
    const report = verifyProofDocument(parseProofDocument(readTextFile(positionals[0]!, 'proof file')), readKeyFiles(values.key).map(parseVerifierKey));
    io.stdout(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatProofReport(report));
    return report.ok ? 0 : 1;
  },
};

export function formatProofReport(report: ProofReport): string {
  const what = report.type === 'inclusion' ? `entry ${report.sizes.seq} is in the log of ${report.sizes.treeSize} entries` : `the log of ${report.sizes.newSize} entries extends the log of ${report.sizes.oldSize}`;
  if (report.ok) return `OK: ${what} (${report.origin}), signed by ${report.verifiedBy.join(', ')}\n`;
  const lines = [`FAILED: ${report.type} proof for ${report.origin}`];
  for (const finding of report.findings) {
    lines.push(`  ${finding.checkpoint ?? (finding.seq === undefined ? 'proof' : `seq ${finding.seq}`)}  ${finding.code}  ${finding.message}${finding.expected === undefined ? '' : ` (expected ${finding.expected}, actual ${finding.actual ?? '(none)'})`}`);
  }
  return `${lines.join('\n')}\n`;
}
