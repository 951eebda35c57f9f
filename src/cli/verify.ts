import { readFileSync } from 'node:fs';
import { KeytrailError } from '../core/errors.ts';
import { verifyDataDirectory } from '../verify/data-dir.ts';
import { formatReport } from '../verify/report.ts';
import type { Command } from './command.ts';
import { parseCommandArgs, usageError } from './command.ts';

/** `keytrail verify PATH [--key FILE]... [--json]`: exit 0 when everything verifies, 1 otherwise. */
export const verifyCommand: Command = {
  name: 'verify',
  summary: 'verify a data directory: entries, chain links, Merkle roots and checkpoint signatures',
  usage: 'keytrail verify PATH [--key VERIFIER_KEY_FILE]... [--json]',
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(this, argv, { key: { type: 'string', multiple: true, default: [] }, json: { type: 'boolean', default: false } }, true);
    if (positionals.length !== 1) throw usageError(this, 'give exactly one PATH');
    const trustedKeys = values.key.flatMap(readKeyFile);
    const report = verifyDataDirectory(positionals[0]!, { trustedKeys });
    io.stdout(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    return report.ok ? 0 : 1;
  },
};

/** A key file holds one verifier key per line. */
function readKeyFile(path: string): string[] {
  try {
    return readFileSync(path, 'utf8').split('\n').map((line) => line.trim()).filter((line) => line !== '');
  } catch (error) {
    throw new KeytrailError('CORE_KEY_FILE_UNREADABLE', `cannot read the verifier key file ${path}`, { cause: error });
  }
}
