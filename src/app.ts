import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { createSqliteBus } from './bus/sqlite-bus.ts';
import { createTopicNames, TopicConfig } from './bus/topics.ts';
import { dataDirPath } from './core/data-dir.ts';
import { KeytrailError } from './core/errors.ts';
import type { Clock } from './core/ports.ts';
import { systemClock } from './core/ports.ts';
import { schemaError } from './core/schema-error.ts';
import { CorrelateConfig } from './correlate/config.ts';
import { createCorrelator, type CorrelatorCounts } from './correlate/correlator.ts';
import { openJoinState } from './correlate/state.ts';
import { ingestFile, type IngestCounts } from './ingest/ingest-file.ts';
import { INGEST_SOURCES } from './ingest/sources.ts';
import { createSealer, type SealerCounts } from './seal/sealer.ts';
import { createNoteSigner, generateNoteKeyPair } from './seal/signer.ts';
import { openChainStore } from './seal/store.ts';
import { summariseChain, type ChainSummary } from './seal/summary.ts';

export const RunConfig = z.strictObject({
  dataDir: z.string().min(1),
  origin: z.string().regex(/^[^\s+]+$/, 'an origin has no spaces or "+"').default('keytrail.local/log'),
  signerKeyFile: z.string().min(1).optional().describe('Path to the PRIVATE+KEY signer key; by default keys/signer.key in the data directory'),
  inputs: z.array(z.strictObject({ source: z.enum(Object.keys(INGEST_SOURCES) as [string, ...string[]]), path: z.string().min(1) })).default([]),
  topics: TopicConfig.default({ prefix: '' }),
  correlate: CorrelateConfig.prefault({}),
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
export async function runBackfill(input: RunConfig, clock: Clock = systemClock): Promise<BackfillSummary> {
  const config = parseRunConfig(input);
  mkdirSync(config.dataDir, { recursive: true });
  const signerKey = loadOrCreateSignerKey(config.dataDir, config.origin, config.signerKeyFile);
  const topics = createTopicNames(config.topics);
  const bus = createSqliteBus({ path: dataDirPath(config.dataDir, 'bus') });
  const state = openJoinState(dataDirPath(config.dataDir, 'correlator'));
  const store = openChainStore(dataDirPath(config.dataDir, 'chain'), config.origin);
  try {
    const inputs: InputSummary[] = [];
    for (const spec of config.inputs) {
      inputs.push({ ...spec, counts: await ingestFile(INGEST_SOURCES[spec.source]!, spec.path, { bus, topics, clock }) });
    }
    const correlator = createCorrelator({ bus, topics, state, clock, config: config.correlate });
    await correlator.run({ untilIdle: true });
    await correlator.closeAll('end-of-input');
    const sealer = createSealer({ bus, topics, store, signers: [signerKey.signer], clock });
    const sizeBefore = store.head().size;
    await sealer.run({ untilIdle: true });
    return {
      dataDir: config.dataDir,
      origin: config.origin,
      inputs,
      correlator: correlator.counts,
      sealer: sealer.counts,
      chain: summariseChain(store, sizeBefore),
      signerKey: { verifierKey: signerKey.signer.verifierKey, generated: signerKey.generated, path: signerKey.path },
    };
  } finally {
    store.close();
    state.close();
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
  const verifierPath = dataDirPath(dataDir, 'verifierKey');
  if (!existsSync(verifierPath)) {
    mkdirSync(dirname(verifierPath), { recursive: true });
    writeFileSync(verifierPath, `${signer.verifierKey}\n`);
    chmodSync(verifierPath, 0o644);
  }
  return { signer, generated, path };
}
