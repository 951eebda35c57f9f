import type { ParseArgsOptionsConfig } from 'node:util';
import { parseBrokerList } from '../bus/kafka-config.ts';
import { parseRunConfig, runPipeline, STAGES, type RunSummary } from '../app.ts';
import type { ParsedRunConfig } from '../app/run-config.ts';
import { KeytrailError } from '../core/errors.ts';
import type { ExportConfigInput } from '../export/config.ts';
import type { Command } from './command.ts';
import { parseCommandArgs } from './command.ts';
import { isConfigObject, overlaySection, readConfigFile } from './config-file.ts';
import { readExportConfigFile } from './export.ts';
import { parseNonNegativeInt } from './options.ts';
import { formatRunSummary, formatStageSummary } from './summary.ts';

const OPTIONS = {
  config: { type: 'string' },
  once: { type: 'boolean' },
  'data-dir': { type: 'string' },
  input: { type: 'string', multiple: true, default: [] as string[] },
  stages: { type: 'string' },
  brokers: { type: 'string' },
  partitions: { type: 'string' },
  origin: { type: 'string' },
  'signer-key': { type: 'string' },
  'topic-prefix': { type: 'string' },
  'log-level': { type: 'string' },
  'instance-id': { type: 'string' },
  'export-to': { type: 'string' },
  'export-config': { type: 'string' },
  'export-every-entries': { type: 'string' },
  'export-every-ms': { type: 'string' },
  json: { type: 'boolean', default: false },
} satisfies ParseArgsOptionsConfig;

/** Environment variables `keytrail run` reads when the matching flag is absent (docker-compose.yml uses them). */
export const RUN_ENVIRONMENT = [
  'KEYTRAIL_DATA_DIR',
  'KEYTRAIL_KAFKA_BROKERS',
  'KEYTRAIL_KAFKA_SESSION_TIMEOUT_MS',
  'KEYTRAIL_KAFKA_RETRIES',
  'KEYTRAIL_KAFKA_REPLICATION_FACTOR',
  'KEYTRAIL_KAFKA_CLIENT_ID',
  'KEYTRAIL_PARTITIONS',
  'KEYTRAIL_STAGES',
  'KEYTRAIL_TOPIC_PREFIX',
  'KEYTRAIL_SIGNER_KEY_FILE',
  'KEYTRAIL_LOG_LEVEL',
  'KEYTRAIL_INSTANCE_ID',
] as const;

/**
 * `keytrail run`: the pipeline, or some of its stages, over Kafka (--brokers) or the embedded bus.
 * --once backfills the inputs and exits; without it the stages and the configured sources stream until SIGTERM
 * or SIGINT. --config names a YAML or JSON file holding the run configuration; flags override it.
 */
export const runCommand: Command = {
  name: 'run',
  summary: 'run the pipeline (or some stages) over Kafka or the embedded bus, with its sources; --once backfills and exits',
  usage:
    'keytrail run [--config FILE] --data-dir DIR [--once|--no-once] [--input SOURCE:PATH]... [--stages ingest,correlate,seal] [--brokers HOST:PORT,...] [--partitions N] [--origin NAME] [--signer-key FILE] [--topic-prefix P] [--log-level LEVEL] [--instance-id ID] [--export-to DIR|s3://BUCKET/PREFIX [--export-config FILE] [--export-every-entries N] [--export-every-ms N]] [--json]',
  async run(argv, io) {
    const { config, json } = parseRunCommand(this, argv, io.env);
    const controller = new AbortController();
    const stop = (): void => controller.abort();
    if (!config.once) {
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    }
    try {
      const summary = await runPipeline(config, { signal: controller.signal });
      io.stdout(json ? `${JSON.stringify(summary)}\n` : formatSummary(summary));
      return 0;
    } finally {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
    }
  },
};

/**
 * Flags first, then KEYTRAIL_* variables, then the --config file, then the schema's defaults; every problem is
 * reported at once, with its path in the configuration.
 */
export function parseRunCommand(command: Command, argv: string[], env: NodeJS.ProcessEnv): { config: ParsedRunConfig; json: boolean } {
  const { values } = parseCommandArgs(command, argv, OPTIONS);
  const file = values.config === undefined ? {} : readConfigFile(values.config);
  const brokerText = values.brokers ?? env.KEYTRAIL_KAFKA_BROKERS;
  const brokers = brokerText === undefined || brokerText.trim() === '' ? undefined : parseBrokerList(brokerText);
  const partitions = toInteger(values.partitions ?? env.KEYTRAIL_PARTITIONS);
  const kafkaTuning = {
    clientId: env.KEYTRAIL_KAFKA_CLIENT_ID,
    sessionTimeoutMs: toInteger(env.KEYTRAIL_KAFKA_SESSION_TIMEOUT_MS),
    retries: toInteger(env.KEYTRAIL_KAFKA_RETRIES),
    replicationFactor: toInteger(env.KEYTRAIL_KAFKA_REPLICATION_FACTOR),
  };
  const kafka = brokers !== undefined || file.kafka !== undefined;
  const stages = values.stages ?? env.KEYTRAIL_STAGES;
  const config = parseRunConfig({
    ...file,
    dataDir: values['data-dir'] ?? env.KEYTRAIL_DATA_DIR ?? file.dataDir,
    origin: values.origin ?? file.origin,
    signerKeyFile: values['signer-key'] ?? env.KEYTRAIL_SIGNER_KEY_FILE ?? file.signerKeyFile,
    inputs: values.input.length > 0 ? values.input.map(parseInputSpec) : file.inputs,
    topics: overlaySection(file.topics, { prefix: values['topic-prefix'] ?? env.KEYTRAIL_TOPIC_PREFIX }),
    stages: stages === undefined ? file.stages : stages.split(',').map((stage) => stage.trim()),
    once: values.once ?? file.once ?? false,
    kafka: kafka ? overlaySection(file.kafka, { brokers, partitions, ...kafkaTuning }) : undefined,
    embedded: kafka ? file.embedded : overlaySection(file.embedded, { partitions }),
    logLevel: values['log-level'] ?? env.KEYTRAIL_LOG_LEVEL ?? file.logLevel,
    instanceId: values['instance-id'] ?? env.KEYTRAIL_INSTANCE_ID ?? file.instanceId,
    export: readExportOptions(command, values, file.export),
  });
  return { config, json: values.json };
}

/**
 * The export section: the --config file's, or the --export-config file instead, with the --export-* flags over it;
 * absent when none of them is given.
 */
function readExportOptions(
  command: Command,
  values: { 'export-to'?: string; 'export-config'?: string; 'export-every-entries'?: string; 'export-every-ms'?: string },
  fromConfig: unknown,
): unknown {
  if (values['export-to'] === undefined && values['export-config'] === undefined && values['export-every-entries'] === undefined && values['export-every-ms'] === undefined) return fromConfig;
  const base = values['export-config'] === undefined ? fromConfig : readExportConfigFile(values['export-config']);
  if (base !== undefined && !isConfigObject(base)) return base;
  const file = (base ?? {}) as ExportConfigInput;
  const every = (flag: 'export-every-entries' | 'export-every-ms'): number | undefined => (values[flag] === undefined ? undefined : parseNonNegativeInt(command, `--${flag}`, values[flag]));
  return { ...file, to: values['export-to'] ?? file.to, schedule: overlaySection(file.schedule, { everyEntries: every('export-every-entries'), everyMs: every('export-every-ms') }) };
}

function toInteger(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  return /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
}

function formatSummary(summary: RunSummary): string {
  const everything = STAGES.every((stage) => summary.stages.includes(stage));
  return everything && summary.chain !== undefined ? formatRunSummary(summary as Required<RunSummary>) : formatStageSummary(summary);
}

/** `SOURCE:PATH`, split at the first colon so paths may contain colons. */
export function parseInputSpec(spec: string): { source: string; path: string } {
  const colon = spec.indexOf(':');
  if (colon <= 0 || colon === spec.length - 1) {
    throw new KeytrailError('CLI_INPUT_SPEC_INVALID', `--input ${JSON.stringify(spec)} is not SOURCE:PATH (e.g. aws:trail.json.gz or app:events.ndjson)`);
  }
  return { source: spec.slice(0, colon), path: spec.slice(colon + 1) };
}
