import { parseVerifierKey } from '../core/note-keys.ts';
import { buildConsistencyDocument, type CheckpointChoice } from '../seal/proof-documents.ts';
import { verifyProofDocument } from '../verify/proof-file.ts';
import { withChainReader } from './chain-reader.ts';
import type { Command } from './command.ts';
import { parseCommandArgs, usageError } from './command.ts';
import { readKeyFiles, readTextFile } from './options.ts';
import { formatProofReport } from './verify-proof.ts';

/**
 * `keytrail consistency OLD NEW --data-dir DIR`: proves that checkpoint NEW extends checkpoint OLD.
 * OLD and NEW are checkpoint files, or tree sizes of checkpoints stored in DIR. With --key the proof is
 * also checked (signatures and RFC 9162 §2.1.4.2), and the exit code says whether it holds.
 */
export const consistencyCommand: Command = {
  name: 'consistency',
  summary: 'print (and with --key check) a consistency proof between two checkpoints of a data directory',
  usage: 'keytrail consistency OLD NEW --data-dir DIR [--key VERIFIER_KEY_FILE]... [--json]   (OLD, NEW: checkpoint files or tree sizes)',
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(this, argv, { 'data-dir': { type: 'string' }, key: { type: 'string', multiple: true, default: [] }, json: { type: 'boolean', default: false } }, true);
    if (positionals.length !== 2 || values['data-dir'] === undefined) throw usageError(this, 'give OLD, NEW and --data-dir');
    const [older, newer] = positionals.map(toChoice) as [CheckpointChoice, CheckpointChoice];
    const document = withChainReader(values['data-dir'], (reader) => buildConsistencyDocument(reader, older, newer));
    if (values.key.length === 0) {
      io.stdout(`${JSON.stringify(document, null, 2)}\n`);
      return 0;
    }
    const report = verifyProofDocument(document, readKeyFiles(values.key).map(parseVerifierKey));
    io.stdout(values.json ? `${JSON.stringify({ proof: document, report }, null, 2)}\n` : `${JSON.stringify(document, null, 2)}\n${formatProofReport(report)}`);
    return report.ok ? 0 : 1;
  },
};

function toChoice(argument: string): CheckpointChoice {
  return /^(0|[1-9][0-9]*)$/.test(argument) ? { size: Number(argument) } : { note: readTextFile(argument, 'checkpoint file'), label: argument };
}
