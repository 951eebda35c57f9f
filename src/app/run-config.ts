import { z } from 'zod';
import { KafkaBusConfig } from '../bus/kafka-config.ts';
import { TopicConfig } from '../bus/topics.ts';
import { schemaError } from '../core/schema-error.ts';
import { ContinuousInputsConfig, countContinuousInputs, listUnboundedInputs } from '../ingest/continuous.ts';
import { INGEST_SOURCES } from '../ingest/sources.ts';
import { SealerConfig } from '../seal/config.ts';
import { CorrelateConfig } from '../correlate/config.ts';
import { ExportConfig } from '../export/config.ts';

export const STAGES = ['ingest', 'correlate', 'seal'] as const;
export type Stage = (typeof STAGES)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const EmbeddedBusConfig = z.strictObject({
  /** Fixed when the bus file is created (default 1). */
  partitions: z.int().min(1).max(1024).optional(),
  /** A member of a consumer group that has not polled for this long is presumed dead. */
  sessionTimeoutMs: z.int().min(100).default(10_000),
});

const RunConfigShape = z.strictObject({
  dataDir: z.string().min(1),
  origin: z.string().regex(/^[^\s+]+$/, 'an origin has no spaces or "+"').default('keytrail.local/log'),
  signerKeyFile: z.string().min(1).optional().describe('Path to the PRIVATE+KEY signer key; by default keys/signer.key in the data directory'),
  /** Files read once, in order, before the sources start (`--input SOURCE:PATH`). */
  inputs: z.array(z.strictObject({ source: z.enum(Object.keys(INGEST_SOURCES) as [string, ...string[]]), path: z.string().min(1) })).default([]),
  /** Provider APIs, the Vault follower and listener, the app intakes (src/ingest/continuous.ts). */
  sources: ContinuousInputsConfig.prefault({}),
  topics: TopicConfig.default({ prefix: '' }),
  /** The stages this process runs; the others may run in other processes, sharing the bus. */
  stages: z
    .array(z.enum(STAGES))
    .min(1)
    .refine((stages) => new Set(stages).size === stages.length, 'a stage is listed twice')
    .default([...STAGES]),
  /** Backfill: ingest the inputs, drain, close every window, seal, exit. Otherwise stream until stopped. */
  once: z.boolean().default(true),
  /** With brokers configured the stages talk over Kafka; without, over the embedded SQLite bus in the data directory. */
  kafka: KafkaBusConfig.optional(),
  embedded: EmbeddedBusConfig.default({ sessionTimeoutMs: 10_000 }),
  /** Logs go to stderr as JSON lines; by default warnings only for a backfill, info when streaming. */
  logLevel: z.enum(LOG_LEVELS).optional(),
  /**
   * This process's name in the correlator state. Correlator processes on one host may share one data directory
   * (one correlate.db), each with its own instance id, so a partition that moves between them in a rebalance keeps
   * its open windows and its applied offsets; a restarted process should keep its id. Default: the host name.
   */
  instanceId: z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/, 'letters, digits and . _ : - only').optional(),
  /** Join windows, heuristic opt-in, idle timer and the open-window cap (src/correlate/config.ts). */
  correlate: CorrelateConfig.prefault({}),
  /** Checkpoint cadence, heartbeat and signer keys (src/seal/config.ts). */
  seal: SealerConfig.prefault({}),
  /** Scheduled WORM export alongside the seal stage, and once more when it stops (src/export/config.ts). */
  export: ExportConfig.optional(),
});

/**
 * What no single field can say: inputs need the ingest stage, and a backfill cannot wait for a listener or a
 * followed file that never ends. Run even when other fields are invalid, so every problem is reported at once.
 */
export const RunConfig = RunConfigShape.check(
  z.superRefine((config: Partial<z.output<typeof RunConfigShape>>, context) => {
    const stages: unknown = config.stages;
    const ingests = !Array.isArray(stages) || stages.includes('ingest');
    if (!ingests && Array.isArray(config.inputs) && config.inputs.length > 0) {
      context.addIssue({ code: 'custom', path: ['inputs'], message: `files are read by the ingest stage, but this process runs ${stages.join(',')}` });
    }
    const sources = ContinuousInputsConfig.safeParse(config.sources);
    if (!sources.success) return;
    if (!ingests && countContinuousInputs(sources.data) > 0) {
      context.addIssue({ code: 'custom', path: ['sources'], message: `sources are read by the ingest stage, but this process runs ${(stages as string[]).join(',')}` });
    }
    if (config.once === true) {
      for (const input of listUnboundedInputs(sources.data)) {
        context.addIssue({ code: 'custom', path: ['sources', ...input.path], message: `cannot run with --once (a backfill): it ${input.why}` });
      }
    }
  }, { when: (payload) => typeof payload.value === 'object' && payload.value !== null }),
);
export type RunConfig = z.input<typeof RunConfig>;
export type ParsedRunConfig = z.output<typeof RunConfig>;

export function parseRunConfig(input: unknown): ParsedRunConfig {
  const parsed = RunConfig.safeParse(input);
  if (!parsed.success) throw schemaError('CLI_CONFIG_INVALID', 'invalid configuration', parsed.error);
  return parsed.data;
}
