import { existsSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { dataDirPath } from '../core/data-dir.ts';
import { KeytrailError } from '../core/errors.ts';
import { systemClock } from '../core/ports.ts';
import { parseExportConfig, type ExportConfigInput } from '../export/config.ts';
import { exportBundles, type ExportReport } from '../export/export-bundles.ts';
import { openSink } from '../export/open-sink.ts';
import { withChainReaderAsync } from './chain-reader.ts';
import type { Command } from './command.ts';
import { parseCommandArgs, usageError } from './command.ts';
import { readKeyFiles, readTextFile } from './options.ts';

/** `keytrail export --data-dir DIR --to DEST`: writes the signed entries not yet exported as WORM bundles. */
export const exportCommand: Command = {
  name: 'export',
  summary: 'export sealed entries as WORM bundles to a local directory or S3 with Object Lock, resuming after the last bundle',
  usage: 'keytrail export --data-dir DIR --to DIR|s3://BUCKET/PREFIX [--config FILE] [--data-class NAME] [--s3-endpoint URL] [--s3-region REGION] [--s3-force-path-style] [--immutable try|off] [--json]',
  async run(argv, io) {
    const { values } = parseCommandArgs(this, argv, {
      'data-dir': { type: 'string' },
      to: { type: 'string' },
      config: { type: 'string' },
      'data-class': { type: 'string' },
      's3-endpoint': { type: 'string' },
      's3-region': { type: 'string' },
      's3-force-path-style': { type: 'boolean' },
      immutable: { type: 'string' },
      json: { type: 'boolean', default: false },
    });
    const dataDir = values['data-dir'];
    if (dataDir === undefined) throw usageError(this, '--data-dir is required');
    const file = values.config === undefined ? {} : readExportConfigFile(values.config);
    const config = parseExportConfig({
      ...file,
      to: values.to ?? file.to,
      dataClass: values['data-class'] ?? file.dataClass,
      immutable: values.immutable ?? file.immutable,
      s3: { ...file.s3, endpoint: values['s3-endpoint'] ?? file.s3?.endpoint, region: values['s3-region'] ?? file.s3?.region, forcePathStyle: values['s3-force-path-style'] ?? file.s3?.forcePathStyle },
    });
    const keysPath = dataDirPath(dataDir, 'verifierKey');
    if (!existsSync(keysPath)) throw new KeytrailError('CLI_IO', `no verifier key at ${keysPath}: a bundle must carry the keys that signed its checkpoints`);
    const verifierKeys = readKeyFiles([keysPath]);
    const { sink, close } = openSink(config, io.env);
    try {
      const report = await withChainReaderAsync(dataDir, (reader) =>
        exportBundles({ reader, verifierKeys, sink, config, clock: systemClock, onBundle: io.isTty ? (bundle) => io.stderr(`exported ${bundle.name} (seq ${bundle.firstSeq}–${bundle.endSeq - 1})\n`) : undefined }),
      );
      io.stdout(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatExportReport(report));
      return 0;
    } finally {
      close();
    }
  },
};

/** A YAML or JSON file holding the export configuration, or a run configuration with an `export` section. */
export function readExportConfigFile(path: string): Partial<ExportConfigInput> & { s3?: Partial<ExportConfigInput['s3'] & object> } {
  const text = readTextFile(path, 'configuration file');
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new KeytrailError('CLI_CONFIG_INVALID', `${path} is not YAML or JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null) throw new KeytrailError('CLI_CONFIG_INVALID', `${path} does not hold a configuration object`);
  const section = 'export' in value ? (value as { export: unknown }).export : value;
  return section as Partial<ExportConfigInput>;
}

export function formatExportReport(report: ExportReport): string {
  const lines = [`keytrail export → ${report.destination}`];
  lines.push(report.resumedAfter === null ? '  first export to this destination' : `  resumed after ${report.resumedAfter.name} (seq up to ${report.resumedAfter.endSeq - 1})`);
  for (const bundle of report.bundles) {
    lines.push(`  ${bundle.name}  seq ${bundle.firstSeq}–${bundle.endSeq - 1} (${bundle.endSeq - bundle.firstSeq} entries, ${bundle.bytes} bytes)  ${bundle.location}`);
    if (bundle.objectLock !== undefined) {
      lines.push(`    Object Lock ${bundle.objectLock.mode} until ${bundle.objectLock.retainUntil} on ${bundle.files.length} object versions, recorded in versions.json`);
    } else {
      const unset = bundle.files.filter((file) => file.immutable?.set !== true);
      lines.push(unset.length === 0 ? `    immutable attribute set on all ${bundle.files.length} files and directories` : `    immutable attribute NOT set on ${unset.length} of ${bundle.files.length} (${unset[0]!.immutable?.reason ?? 'unknown'}); files are read-only (0444); see ${bundle.reportPath}`);
    }
  }
  const rate = report.seconds > 0 ? Math.round(report.entries / report.seconds) : 0;
  lines.push(report.bundles.length === 0 ? `up to date: every signed entry (${report.chain.exportedTo}) is exported` : `exported ${report.entries} entries in ${report.bundles.length} bundle${report.bundles.length === 1 ? '' : 's'}, ${report.seconds.toFixed(1)} s (${rate} entries/s)`);
  if (report.chain.size > report.chain.exportedTo) lines.push(`  ${report.chain.size - report.chain.exportedTo} newer entries wait for the next signed checkpoint`);
  return `${lines.join('\n')}\n`;
}
