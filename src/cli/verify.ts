import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { KeytrailError } from '../core/errors.ts';
import { verifyPath } from '../verify/data-dir.ts';
import { formatChainReport } from '../verify/chain-report.ts';
import { formatReport } from '../verify/report.ts';
import type { Command } from './command.ts';
import { parseCommandArgs, usageError } from './command.ts';
import { parseNonNegativeInt, parseTime, readKeyFiles } from './options.ts';

/** `keytrail verify PATH`: exit 0 when everything verifies, 1 otherwise. */
export const verifyCommand: Command = {
  name: 'verify',
  summary: 'verify a data directory, an exported bundle or a chain of bundles (local or s3://): entries, chain links, Merkle roots, checkpoint signatures, links and retention',
  usage: 'keytrail verify PATH [--key VERIFIER_KEY_FILE]... [--checkpoint KNOWN_CHECKPOINT_FILE]... [--as-of RFC3339] [--cadence-ms N] [--grace-ms N] [--require-signed] [--workers N] [--s3-endpoint URL] [--s3-region REGION] [--s3-force-path-style] [--min-retain-days N] [--json]',
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      this,
      argv,
      {
        key: { type: 'string', multiple: true, default: [] },
        checkpoint: { type: 'string', multiple: true, default: [] },
        'as-of': { type: 'string' },
        'cadence-ms': { type: 'string' },
        'grace-ms': { type: 'string' },
        'require-signed': { type: 'boolean', default: false },
        workers: { type: 'string' },
        's3-endpoint': { type: 'string' },
        's3-region': { type: 'string' },
        's3-force-path-style': { type: 'boolean', default: false },
        'min-retain-days': { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      true,
    );
    if (positionals.length !== 1) throw usageError(this, 'give exactly one PATH');
    const report = await verifyPath(positionals[0]!, {
      workers: values.workers === undefined ? defaultWorkers() : parseNonNegativeInt(this, '--workers', values.workers),
      trustedKeys: readKeyFiles(values.key),
      knownCheckpoints: values.checkpoint.map(readCheckpointFile),
      asOf: values['as-of'] === undefined ? undefined : parseTime(this, '--as-of', values['as-of']),
      cadenceMs: values['cadence-ms'] === undefined ? undefined : parseNonNegativeInt(this, '--cadence-ms', values['cadence-ms']),
      graceMs: values['grace-ms'] === undefined ? undefined : parseNonNegativeInt(this, '--grace-ms', values['grace-ms']),
      requireSigned: values['require-signed'],
      s3: {
        endpoint: values['s3-endpoint'],
        region: values['s3-region'],
        forcePathStyle: values['s3-force-path-style'],
        minRetainDays: values['min-retain-days'] === undefined ? undefined : parseNonNegativeInt(this, '--min-retain-days', values['min-retain-days']),
      },
      // Progress is for people watching a terminal; pipes and CI logs get only the report.
      onProgress: io.isTty ? (count) => io.stderr(`\rverified ${count} entries…`) : undefined,
    });
    if (io.isTty && report.entries >= 65_536) io.stderr('\n');
    io.stdout(values.json ? `${JSON.stringify(report, null, 2)}\n` : report.kind === 'bundle-chain' ? formatChainReport(report) : formatReport(report));
    return report.ok ? 0 : 1;
  },
};

/** One thread walks and hashes; the other cores (at most 4) parse and canonicalise. */
function defaultWorkers(): number {
  return Math.min(4, availableParallelism() - 1);
}

function readCheckpointFile(path: string): { label: string; note: string } {
  try {
    return { label: path, note: readFileSync(path, 'utf8') };
  } catch (error) {
    throw new KeytrailError('CLI_IO', `cannot read the checkpoint file ${path}`, { cause: error });
  }
}
