import { runBackfill } from '../app.ts';
import { KeytrailError } from '../core/errors.ts';
import type { ExportConfigInput } from '../export/config.ts';
import type { Command } from './command.ts';
import { parseCommandArgs, usageError } from './command.ts';
import { readExportConfigFile } from './export.ts';
import { parseNonNegativeInt } from './options.ts';
import { formatRunSummary } from './summary.ts';

/** `keytrail run --once --data-dir DIR --input SOURCE:PATH ...`: backfill the given files to completion. */
export const runCommand: Command = {
  name: 'run',
  summary: 'run the pipeline over input files into a data directory (backfill with --once)',
  usage: 'keytrail run --once --data-dir DIR --input SOURCE:PATH [--input ...] [--origin NAME] [--signer-key FILE] [--topic-prefix P] [--export-to DIR|s3://BUCKET/PREFIX [--export-config FILE] [--export-every-entries N] [--export-every-ms N]] [--json]',
  async run(argv, io) {
    const { values } = parseCommandArgs(this, argv, {
      once: { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
      input: { type: 'string', multiple: true, default: [] },
      origin: { type: 'string' },
      'signer-key': { type: 'string' },
      'topic-prefix': { type: 'string' },
      'export-to': { type: 'string' },
      'export-config': { type: 'string' },
      'export-every-entries': { type: 'string' },
      'export-every-ms': { type: 'string' },
      json: { type: 'boolean', default: false },
    });
    if (!values.once) throw usageError(this, 'only backfill mode is available: pass --once');
    if (values['data-dir'] === undefined) throw usageError(this, '--data-dir is required');
    const summary = await runBackfill({
      dataDir: values['data-dir'],
      origin: values.origin,
      signerKeyFile: values['signer-key'] ?? io.env.KEYTRAIL_SIGNER_KEY_FILE,
      inputs: values.input.map(parseInputSpec),
      topics: { prefix: values['topic-prefix'] ?? '' },
      export: readExportOptions(this, values),
    });
    io.stdout(values.json ? `${JSON.stringify(summary)}\n` : formatRunSummary(summary));
    return 0;
  },
};

/** `SOURCE:PATH`, split at the first colon so paths may contain colons. */
export function parseInputSpec(spec: string): { source: string; path: string } {
  const colon = spec.indexOf(':');
  if (colon <= 0 || colon === spec.length - 1) {
    throw new KeytrailError('CLI_INPUT_SPEC_INVALID', `--input ${JSON.stringify(spec)} is not SOURCE:PATH (e.g. aws:trail.json.gz or app:events.ndjson)`);
  }
  return { source: spec.slice(0, colon), path: spec.slice(colon + 1) };
}

/** The export section from --export-config and the --export-* flags (flags win); absent when neither is given. */
function readExportOptions(command: Command, values: { 'export-to'?: string; 'export-config'?: string; 'export-every-entries'?: string; 'export-every-ms'?: string }): ExportConfigInput | undefined {
  if (values['export-to'] === undefined && values['export-config'] === undefined) return undefined;
  const file = values['export-config'] === undefined ? {} : readExportConfigFile(values['export-config']);
  const every = (flag: 'export-every-entries' | 'export-every-ms'): number | undefined => (values[flag] === undefined ? undefined : parseNonNegativeInt(command, `--${flag}`, values[flag]));
  return { ...file, to: values['export-to'] ?? file.to!, schedule: { ...file.schedule, everyEntries: every('export-every-entries') ?? file.schedule?.everyEntries, everyMs: every('export-every-ms') ?? file.schedule?.everyMs } };
}
