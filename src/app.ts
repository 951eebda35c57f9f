import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { createSqliteBus } from './bus/sqlite-bus.ts';
import { createTopicNames, TopicConfig } from './bus/topics.ts';
import { dataDirPath } from './core/data-dir.ts';
import { KeytrailError } from './core/errors.ts';
import type { Clock } from './core/ports.ts';
import { systemClock } from './core/ports.ts';
import { schemaError } from './core/schema-error.ts';
import { createCorrelator, type CorrelatorCounts } from './correlate/correlator.ts';
import { openJoinState } from './correlate/state.ts';
import { ingestFile, type IngestCounts } from './ingest/ingest-file.ts';
import { INGEST_SOURCES } from './ingest/sources.ts';
import { openIngestState } from './ingest/state.ts';
import { ExportConfig } from './export/config.ts';
import { startExportSchedule, type ScheduledExportSummary } from './export/schedule.ts';
import { openChainReader } from './seal/chain-reader.ts';
import { SealerConfig } from './seal/config.ts';
import { createSealer, type SealerCounts } from './seal/sealer.ts';
import { loadNoteSigners, recordVerifierKeys } from './seal/signer-keys.ts';
import { createNoteSigner, generateNoteKeyPair } from './seal/signer.ts';
import { openChainStore } from './seal/store.ts';
import { summariseChain, type ChainSummary } from './seal/summary.ts';

export const RunConfig = z.strictObject({
  dataDir: z.string().min(1),
  origin: z.string().regex(/^[^\s+]+$/, 'an origin has no spaces or "+"').default('keytrail.local/log'),
  signerKeyFile: z.string().min(1).optional().describe('Path to the PRIVATE+KEY signer key; by default keys/signer.key in the data directory'),
  inputs: z.array(z.strictObject({ source: z.enum(Object.keys(INGEST_SOURCES) as [string, ...string[]]), path: z.string().min(1) })).default([]),
  topics: TopicConfig.default({ prefix: '' }),
  seal: SealerConfig.prefault({}),
  export: ExportConfig.optional().describe('Scheduled WORM export while the pipeline runs, and once at its end'),
});
export type RunConfig = z.input<typeof RunConfig>;

export interface InputSummary {
  source: string;
  path: string;
  counts: IngestCounts;
}

export interface BackfillSummary {
  dataDir: string;
  origin: string;
  inputs: InputSummary[];
  correlator: CorrelatorCounts;
  sealer: SealerCounts;
  /** The records this run sealed. */
  chain: ChainSummary;
  signerKey: { verifierKey: string; generated: boolean; path: string };
  /** Every key that signed this run's checkpoints (two during a rotation). */
  verifierKeys: string[];
  /** The scheduled export, when configured. */
  export: ScheduledExportSummary | null;
}

export function parseRunConfig(input: unknown): z.output<typeof RunConfig> {
  const parsed = RunConfig.safeParse(input);
  if (!parsed.success) throw schemaError('CLI_CONFIG_INVALID', 'invalid configuration', parsed.error);
  return parsed.data;
}

/**
 * Backfill mode (`keytrail run --once`): ingest every input file, correlate until the events topics
 * are drained, close every window, seal until the records topic is drained. Stages talk only through
 * the bus; this function is the one place that knows them all.
 */
export async function runBackfill(input: RunConfig, clock: Clock = systemClock, env: NodeJS.ProcessEnv = process.env): Promise<BackfillSummary> {
  const config = parseRunConfig(input);
  mkdirSync(config.dataDir, { recursive: true });
  const configured = loadNoteSigners(config.seal.signerKeys, env, config.origin);
  const signerKey = configured.length > 0 ? { signer: configured[0]!, generated: false, path: '(configured)' } : loadOrCreateSignerKey(config.dataDir, config.origin, config.signerKeyFile);
  const signers = configured.length > 0 ? configured : [signerKey.signer];
  recordVerifierKeys(config.dataDir, signers);
  const topics = createTopicNames(config.topics);
  const bus = createSqliteBus({ path: dataDirPath(config.dataDir, 'bus') });
  const ingestState = openIngestState(dataDirPath(config.dataDir, 'ingest'));
  const state = openJoinState(dataDirPath(config.dataDir, 'correlator'));
  const store = openChainStore(dataDirPath(config.dataDir, 'chain'), config.origin);
  const exportSchedule =
    config.export === undefined
      ? null
      : startExportSchedule({ config: config.export, clock, env, openReader: () => openChainReader(dataDirPath(config.dataDir, 'chain')), verifierKeys: () => readVerifierKeys(config.dataDir) });
  try {
    const inputs: InputSummary[] = [];
    for (const spec of config.inputs) {
      inputs.push({ ...spec, counts: await ingestFile(INGEST_SOURCES[spec.source]!, spec.path, { bus, topics, clock, state: ingestState }) });
    }
    const correlator = createCorrelator({ bus, topics, state, clock });
    await correlator.run({ untilIdle: true });
    await correlator.closeAll('end-of-input');
    const sealer = createSealer({ bus, topics, store, signers, clock, config: config.seal });
    const sizeBefore = store.head().size;
    await sealer.run({ untilIdle: true });
    const exported = exportSchedule === null ? null : await exportSchedule.finish();
    return {
      dataDir: config.dataDir,
      origin: config.origin,
      inputs,
      correlator: correlator.counts,
      sealer: sealer.counts,
      chain: summariseChain(store, sizeBefore),
      signerKey: { verifierKey: signerKey.signer.verifierKey, generated: signerKey.generated, path: signerKey.path },
      verifierKeys: signers.map((signer) => signer.verifierKey),
      export: exported,
    };
  } finally {
    exportSchedule?.stop();
    store.close();
    state.close();
    ingestState.close();
    await bus.close();
  }
}

/**
 * The signer key is read by reference and never printed. Without one configured, a key is generated
 * once into the data directory (mode 0600), and its verifier key is written beside it.
 */
function loadOrCreateSignerKey(dataDir: string, origin: string, configured: string | undefined) {
  const path = configured ?? dataDirPath(dataDir, 'signerKey');
  let generated = false;
  if (configured === undefined && !existsSync(path)) {
    const pair = generateNoteKeyPair(origin);
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, `${pair.signerKey}\n`, { mode: 0o600, flag: 'wx' });
    generated = true;
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new KeytrailError('CORE_KEY_FILE_UNREADABLE', `cannot read the signer key file ${path}`, { cause: error });
  }
  const signer = createNoteSigner(text);
  if (signer.name !== origin) {
    throw new KeytrailError('CLI_CONFIG_INVALID', `the signer key is named ${signer.name} but the log origin is ${origin}; C2SP checkpoints want the key name to equal the origin`);
  }
  return { signer, generated, path };
}

/** Every key that ever signed this log (keys/verifier.key): what a bundle must carry. */
function readVerifierKeys(dataDir: string): string[] {
  return readFileSync(dataDirPath(dataDir, 'verifierKey'), 'utf8').split('\n').map((line) => line.trim()).filter((line) => line !== '');
}
