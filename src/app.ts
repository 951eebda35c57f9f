import { mkdirSync, readFileSync } from 'node:fs';
import pino, { type Logger } from 'pino';
import { ingestInputFiles, startSources, summariseSources, type InputSummary, type SourceSummary } from './app/ingest-stage.ts';
import { openBus } from './app/open-bus.ts';
import { acquireStageLocks, defaultInstanceId } from './app/process-lock.ts';
import { runUntilStopped } from './app/run-until-stopped.ts';
import { parseRunConfig, type ParsedRunConfig, type RunConfig, type Stage } from './app/run-config.ts';
import { loadOrCreateSignerKey } from './app/signer-key.ts';
import { createStageBus } from './app/stage-bus.ts';
import { createTopicNames } from './bus/topics.ts';
import { dataDirPath } from './core/data-dir.ts';
import type { Bus, Clock, TopicNames } from './core/ports.ts';
import { systemClock } from './core/ports.ts';
import { createCorrelator, type CorrelatorCounts, type StateGap } from './correlate/correlator.ts';
import { openJoinState } from './correlate/state.ts';
import type { RunningInputs } from './ingest/continuous.ts';
import { openIngestState } from './ingest/state.ts';
import { startExportSchedule, type ScheduledExportSummary } from './export/schedule.ts';
import { openChainReader } from './seal/chain-reader.ts';
import { createSealer, type SealerCounts } from './seal/sealer.ts';
import { loadNoteSigners, recordVerifierKeys } from './seal/signer-keys.ts';
import type { NoteSigner } from './seal/signer.ts';
import { openChainStore } from './seal/store.ts';
import { summariseChain, type ChainSummary } from './seal/summary.ts';

export { parseRunConfig, RunConfig, STAGES, type Stage } from './app/run-config.ts';

export type { InputSummary, SourceSummary } from './app/ingest-stage.ts';

/** What one `keytrail run` did; a stage this process did not run has no entry. */
export interface RunSummary {
  dataDir: string;
  origin: string;
  bus: 'kafka' | 'embedded';
  stages: Stage[];
  inputs: InputSummary[];
  /** The long-running sources (`sources`), with their counts when the run stopped. */
  sources: SourceSummary[];
  correlator?: CorrelatorCounts;
  sealer?: SealerCounts;
  /** The records this run sealed. */
  chain?: ChainSummary;
  signerKey?: { verifierKey: string; generated: boolean; path: string };
  /** Every key that signed this run's checkpoints (two during a rotation). */
  verifierKeys?: string[];
  /** The scheduled export, when one is configured and this process seals. */
  export?: ScheduledExportSummary | null;
}

export type BackfillSummary = Required<RunSummary>;

export interface RunOptions {
  clock?: Clock;
  /** Streaming mode runs until this aborts, then stops intake, finishes the batch in hand, commits and disconnects. */
  signal?: AbortSignal;
  log?: Logger;
  /** Where `{"env": NAME}` references (signer keys, source tokens) are looked up. */
  env?: NodeJS.ProcessEnv;
}

interface Signing {
  signers: NoteSigner[];
  summary: NonNullable<RunSummary['signerKey']>;
}

/**
 * `keytrail run`: the stages this process was given, over Kafka or the embedded bus. With `once`
 * (backfill) it ingests the input files and reads the API sources until caught up, drains the events
 * topics, closes every window, drains the records topic and returns; otherwise the sources and the
 * consuming stages run side by side until the signal aborts or one of them fails for good. Stages talk
 * only through the bus; this function is the one place that knows them all.
 */
export async function runPipeline(input: RunConfig, options: RunOptions = {}): Promise<RunSummary> {
  const config = parseRunConfig(input);
  const log = options.log ?? pino({ level: config.logLevel ?? (config.once ? 'warn' : 'info'), base: { name: 'keytrail' } }, pino.destination({ fd: 2, sync: true }));
  mkdirSync(config.dataDir, { recursive: true });
  // Before anything is read or written: a second sealer, or a correlator with the same id, stops here.
  const instanceId = config.instanceId ?? defaultInstanceId();
  const locks = acquireStageLocks(config.dataDir, config.stages, instanceId);
  try {
    return await runStages(config, instanceId, options, log);
  } finally {
    for (const lock of locks) lock.release();
  }
}

async function runStages(config: ParsedRunConfig, instanceId: string, options: RunOptions, log: Logger): Promise<RunSummary> {
  const clock = options.clock ?? systemClock;
  const env = options.env ?? process.env;
  const runs = (stage: Stage): boolean => config.stages.includes(stage);
  const signing = runs('seal') ? loadSigning(config, env) : undefined;
  const topics = createTopicNames(config.topics);
  const opened = openBus(config, clock, log, instanceId);
  const summary: RunSummary = { dataDir: config.dataDir, origin: config.origin, bus: opened.kind, stages: config.stages, inputs: [], sources: [] };
  log.info({ bus: opened.kind, stages: config.stages, once: config.once, topics }, 'run started');
  const ingestState = runs('ingest') ? openIngestState(dataDirPath(config.dataDir, 'ingest')) : undefined;
  try {
    const ingest = ingestState === undefined ? undefined : { bus: opened.bus, topics, clock, state: ingestState, env };
    if (ingest !== undefined) summary.inputs = await ingestInputFiles(config.inputs, ingest, log);
    const sources = ingest === undefined ? undefined : await startSources(config.sources, ingest, config.once ? 'backfill' : 'stream', log);
    const correlate = (signal: AbortSignal | undefined): Promise<void> => runCorrelateStage(config, instanceId, opened.bus, topics, clock, log, signal, summary);
    const seal = (signal: AbortSignal | undefined): Promise<void> => runSealStage(config, opened.bus, topics, clock, log, signal, signing!, summary, env);
    if (config.once) {
      // A backfill: the API sources read until caught up, then the correlator drains and closes every window, then
      // the sealer starts, so it drains everything in one pass.
      if (sources !== undefined) await finishSources(sources, summary);
      if (runs('correlate')) await correlate(options.signal);
      if (runs('seal')) await seal(options.signal);
    } else {
      const stages = [...(runs('correlate') ? [{ name: 'correlate', run: correlate }] : []), ...(runs('seal') ? [{ name: 'seal', run: seal }] : [])];
      await runUntilStopped({ sources, stages, signal: options.signal, log });
      summary.sources = summariseSources(sources);
    }
    log.info({ correlator: summary.correlator, sealer: summary.sealer, sources: summary.sources.map((source) => ({ name: source.name, published: source.counts.published })) }, 'run finished');
    return summary;
  } finally {
    ingestState?.close();
    await opened.bus.close();
    log.debug({ bus: opened.kind }, 'bus closed');
  }
}

async function finishSources(sources: RunningInputs, summary: RunSummary): Promise<void> {
  try {
    await sources.finished;
  } finally {
    await sources.stop();
    summary.sources = summariseSources(sources);
  }
}

/** Backfill on every stage in this process (`keytrail demo`, `keytrail run --once`). */
export async function runBackfill(input: RunConfig, clock: Clock = systemClock, env: NodeJS.ProcessEnv = process.env): Promise<BackfillSummary> {
  const summary = await runPipeline({ ...input, once: true, stages: ['ingest', 'correlate', 'seal'] }, { clock, env, log: pino({ level: 'silent' }) });
  return summary as BackfillSummary;
}

/**
 * Checkpoint signers: the configured key references (several during a rotation), or else the key file
 * given or kept in the data directory (generated on first use). Every key that signs is listed in
 * keys/verifier.key so old checkpoints stay verifiable.
 */
function loadSigning(config: ParsedRunConfig, env: NodeJS.ProcessEnv): Signing {
  const configured = loadNoteSigners(config.seal.signerKeys, env, config.origin);
  const signing: Signing =
    configured.length > 0
      ? { signers: configured, summary: { verifierKey: configured[0]!.verifierKey, generated: false, path: '(configured)' } }
      : (() => {
          const key = loadOrCreateSignerKey(config.dataDir, config.origin, config.signerKeyFile);
          return { signers: [key.signer], summary: { verifierKey: key.signer.verifierKey, generated: key.generated, path: key.path } };
        })();
  recordVerifierKeys(config.dataDir, signing.signers);
  return signing;
}

async function runCorrelateStage(config: ParsedRunConfig, instanceId: string, bus: Bus, topics: TopicNames, clock: Clock, log: Logger, signal: AbortSignal | undefined, summary: RunSummary): Promise<void> {
  const state = openJoinState(dataDirPath(config.dataDir, 'correlator'));
  try {
    const stageBus = createStageBus(bus, {
      groupPrefix: config.topics.prefix,
      onAssignment: (partitions) => log.info({ stage: 'correlate', partitions }, 'partitions assigned'),
      onBatch: (batch) => log.debug({ stage: 'correlate', messages: batch.length, counts: correlator.counts }, 'batch handled'),
    });
    const onStateGap = (gap: StateGap): void => {
      const since = gap.expected === null ? 'this state never saw the partition' : `this state expected offset ${gap.expected}`;
      const message = `${gap.topic} partition ${gap.partition} resumed at offset ${gap.received} but ${since}: give correlators that share partitions one data directory (README, Kafka)`;
      log.warn({ stage: 'correlate', code: 'CORRELATE_STATE_GAP', ...gap }, message);
    };
    const correlator = createCorrelator({ bus: stageBus, topics, state, clock, config: config.correlate, instanceId, onStateGap });
    summary.correlator = correlator.counts;
    await correlator.run({ untilIdle: config.once, signal });
    if (config.once) await correlator.closeAll('end-of-input');
    log.info({ stage: 'correlate', counts: correlator.counts }, 'stage stopped');
  } finally {
    state.close();
  }
}

async function runSealStage(
  config: ParsedRunConfig,
  bus: Bus,
  topics: TopicNames,
  clock: Clock,
  log: Logger,
  signal: AbortSignal | undefined,
  signing: Signing,
  summary: RunSummary,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const store = openChainStore(dataDirPath(config.dataDir, 'chain'), config.origin);
  // The export reads the chain through its own read-only connection; it runs beside the sealer and once more at the end.
  const exportSchedule =
    config.export === undefined
      ? null
      : startExportSchedule({ config: config.export, clock, env, openReader: () => openChainReader(dataDirPath(config.dataDir, 'chain')), verifierKeys: () => readVerifierKeys(config.dataDir) });
  summary.export = null;
  try {
    const sizeBefore = store.head().size;
    const stageBus = createStageBus(bus, {
      groupPrefix: config.topics.prefix,
      onAssignment: (partitions) => log.info({ stage: 'seal', partitions }, 'partitions assigned'),
      onBatch: (batch) => log.debug({ stage: 'seal', messages: batch.length, chainSize: store.head().size, counts: sealer.counts }, 'batch handled'),
    });
    const sealer = createSealer({ bus: stageBus, topics, store, signers: signing.signers, clock, config: config.seal });
    summary.sealer = sealer.counts;
    summary.signerKey = signing.summary;
    summary.verifierKeys = signing.signers.map((signer) => signer.verifierKey);
    await sealer.run({ untilIdle: config.once, signal });
    summary.chain = summariseChain(store, sizeBefore);
    if (exportSchedule !== null) summary.export = await exportSchedule.finish();
    log.info({ stage: 'seal', counts: sealer.counts, chainSize: store.head().size, export: summary.export?.runs }, 'stage stopped');
  } finally {
    exportSchedule?.stop();
    store.close();
  }
}

/** Every key that ever signed this log (keys/verifier.key): what a bundle must carry. */
function readVerifierKeys(dataDir: string): string[] {
  return readFileSync(dataDirPath(dataDir, 'verifierKey'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}
