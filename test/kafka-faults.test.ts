import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { dataDirPath } from '../src/core/data-dir.ts';
import type { Entry } from '../src/core/schemas/entry.ts';
import { openChainStore } from '../src/seal/store.ts';
import { verifyDataDirectory } from '../src/verify/data-dir.ts';
import { writeGeneratedInputs, type GeneratedInputs } from './helpers/generated-inputs.ts';
import { runKeytrail, startKeytrail, type KeytrailProcess } from './helpers/keytrail-process.ts';
import { useTempDirs } from './helpers/temp-dir.ts';
import { startBroker, stopBroker } from './setup/kafka-broker.ts';

const tempDir = useTempDirs();
const ORIGIN = 'keytrail.test/faults';
// The broker evicts a killed member after this long; the restarted one waits for that before it gets partitions.
const ENV = { KEYTRAIL_KAFKA_SESSION_TIMEOUT_MS: '6000', KEYTRAIL_PARTITIONS: '4' };

interface Pipeline {
  brokers: string;
  prefix: string;
  dirs: { ingest: string; correlate: string; seal: string };
  inputs: GeneratedInputs;
}

function createPipeline(brokers: string): Pipeline {
  const root = tempDir();
  const inputs = writeGeneratedInputs(root, { pairs: 1500, parts: 2, unmatchedEvery: 10 });
  return { brokers, prefix: `f${randomUUID().slice(0, 8)}.`, dirs: { ingest: join(root, 'ingest'), correlate: join(root, 'correlate'), seal: join(root, 'seal') }, inputs };
}

function stageArgs(pipeline: Pipeline, stage: 'ingest' | 'correlate' | 'seal', extra: string[] = []): string[] {
  return ['run', '--stages', stage, '--data-dir', pipeline.dirs[stage], '--brokers', pipeline.brokers, '--topic-prefix', pipeline.prefix, '--origin', ORIGIN, '--log-level', 'debug', ...extra];
}

const ingestPart = (pipeline: Pipeline, part: number): Promise<unknown> =>
  runKeytrail(stageArgs(pipeline, 'ingest', ['--once', '--input', `aws:${pipeline.inputs.parts[part]!.aws}`, '--input', `app:${pipeline.inputs.parts[part]!.app}`]), ENV);
const stream = (pipeline: Pipeline, stage: 'correlate' | 'seal'): KeytrailProcess => startKeytrail(stageArgs(pipeline, stage), ENV);
const batchOf = (stage: string) => (line: { msg?: string; stage?: string }) => line.msg === 'batch handled' && line.stage === stage;

/** Correlate --once closes the windows still open, seal --once seals what that produced; then the chain is read. */
async function finishAndReadChain(pipeline: Pipeline): Promise<string[]> {
  await runKeytrail(stageArgs(pipeline, 'correlate', ['--once']), ENV);
  await runKeytrail(stageArgs(pipeline, 'seal', ['--once']), ENV);
  const store = openChainStore(dataDirPath(pipeline.dirs.seal, 'chain'), ORIGIN);
  try {
    const ids: string[] = [];
    for (const row of store.iterateEntries()) {
      const { record } = JSON.parse(row.bytes.toString('utf8')) as Entry;
      if (record.kmsEvent !== null) ids.push(`kms:${record.kmsEvent.provider}:${record.kmsEvent.eventId}`);
      if (record.appEvent !== null) ids.push(`app:${record.appEvent.event.eventId}`);
    }
    return ids;
  } finally {
    store.close();
  }
}

function expectEveryInputOnce(chainIds: string[], pipeline: Pipeline): void {
  const duplicated = chainIds.filter((id, index) => chainIds.indexOf(id) !== index);
  const chainSet = new Set(chainIds);
  const lost = pipeline.inputs.inputIds.filter((id) => !chainSet.has(id));
  expect({ lost: lost.length, duplicated: duplicated.length, count: chainIds.length }).toEqual({ lost: 0, duplicated: 0, count: pipeline.inputs.inputIds.length });
  expect([...chainSet].sort()).toEqual([...pipeline.inputs.inputIds].sort());
  const report = verifyDataDirectory(pipeline.dirs.seal);
  expect(report.ok).toBe(true);
}

describe('Kafka pipeline under faults (real broker, one process per stage)', () => {
  it('seals every input exactly once after the sealer and the correlator are killed with SIGKILL mid-stream and restarted', { timeout: 240_000 }, async () => {
    const pipeline = createPipeline(inject('kafkaBrokers'));
    let correlator = stream(pipeline, 'correlate');
    let sealer = stream(pipeline, 'seal');
    const firstSeal = sealer.waitForLog(batchOf('seal'));
    await ingestPart(pipeline, 0);
    await firstSeal;
    sealer.kill('SIGKILL');
    correlator.kill('SIGKILL');
    expect((await sealer.exited).signal).toBe('SIGKILL');
    expect((await correlator.exited).signal).toBe('SIGKILL');

    await ingestPart(pipeline, 1);
    correlator = stream(pipeline, 'correlate');
    sealer = stream(pipeline, 'seal');
    await sealer.waitForLog((line) => batchOf('seal')(line) && (line.chainSize ?? 0) >= pipeline.inputs.pairs);
    sealer.kill('SIGTERM');
    correlator.kill('SIGTERM');
    expect((await sealer.exited).code).toBe(0);
    expect((await correlator.exited).code).toBe(0);

    expectEveryInputOnce(await finishAndReadChain(pipeline), pipeline);
  });

  it('seals every input exactly once when the broker is stopped and restarted mid-stream', { timeout: 240_000 }, async () => {
    const brokerDir = tempDir();
    const brokers = startBroker(brokerDir);
    try {
      const pipeline = createPipeline(brokers);
      const correlator = stream(pipeline, 'correlate');
      const sealer = stream(pipeline, 'seal');
      const firstSeal = sealer.waitForLog(batchOf('seal'));
      await ingestPart(pipeline, 0);
      await firstSeal;
      stopBroker(brokerDir);
      expect(startBroker(brokerDir, Number(brokers.split(':')[1]))).toBe(brokers);
      await ingestPart(pipeline, 1);
      await sealer.waitForLog((line) => batchOf('seal')(line) && (line.chainSize ?? 0) >= pipeline.inputs.pairs);
      sealer.kill('SIGTERM');
      correlator.kill('SIGTERM');
      expect((await sealer.exited).code).toBe(0);
      expect((await correlator.exited).code).toBe(0);

      expectEveryInputOnce(await finishAndReadChain(pipeline), pipeline);
    } finally {
      stopBroker(brokerDir);
    }
  });
});
