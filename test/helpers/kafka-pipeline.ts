import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { expect } from 'vitest';
import { dataDirPath } from '../../src/core/data-dir.ts';
import type { Entry } from '../../src/core/schemas/entry.ts';
import { openChainStore } from '../../src/seal/store.ts';
import { verifyDataDirectory } from '../../src/verify/data-dir.ts';
import { writeGeneratedInputs, type GeneratedInputs } from './generated-inputs.ts';
import { runKeytrail, startKeytrail, type KeytrailProcess, type LogLine } from './keytrail-process.ts';

export const ORIGIN = 'keytrail.test/kafka';
// The broker evicts a killed member after this long; a restarted one waits for that before it gets partitions.
export const PIPELINE_ENV = { KEYTRAIL_KAFKA_SESSION_TIMEOUT_MS: '6000', KEYTRAIL_PARTITIONS: '4' };

export type StageName = 'ingest' | 'correlate' | 'seal';

/** One pipeline on a broker: its own topic prefix, one data directory per stage process, generated inputs. */
export interface Pipeline {
  brokers: string;
  prefix: string;
  root: string;
  inputs: GeneratedInputs;
}

export function createPipeline(root: string, brokers: string): Pipeline {
  const inputs = writeGeneratedInputs(root, { pairs: 1500, parts: 2, unmatchedEvery: 10 });
  return { brokers, prefix: `p${randomUUID().slice(0, 8)}.`, root, inputs };
}

export function stageArgs(pipeline: Pipeline, stage: StageName, options: { dataDir?: string; extra?: string[] } = {}): string[] {
  const dataDir = options.dataDir ?? join(pipeline.root, stage);
  return ['run', '--stages', stage, '--data-dir', dataDir, '--brokers', pipeline.brokers, '--topic-prefix', pipeline.prefix, '--origin', ORIGIN, '--log-level', 'debug', ...(options.extra ?? [])];
}

export function ingestPart(pipeline: Pipeline, part: number): Promise<unknown> {
  const files = pipeline.inputs.parts[part]!;
  return runKeytrail(stageArgs(pipeline, 'ingest', { extra: ['--once', '--input', `aws:${files.aws}`, '--input', `app:${files.app}`] }), PIPELINE_ENV);
}

export function streamStage(pipeline: Pipeline, stage: 'correlate' | 'seal', dataDir?: string, extra: string[] = []): KeytrailProcess {
  return startKeytrail(stageArgs(pipeline, stage, { dataDir, extra }), PIPELINE_ENV);
}

export const isBatchOf = (stage: string) => (line: LogLine) => line.msg === 'batch handled' && line.stage === stage;

/** Correlate --once (per correlator data directory) closes the windows still open; seal --once seals the rest. */
export async function finishAndReadChain(pipeline: Pipeline, correlatorDirs: string[] = [join(pipeline.root, 'correlate')]): Promise<string[]> {
  for (const dataDir of correlatorDirs) await runKeytrail(stageArgs(pipeline, 'correlate', { dataDir, extra: ['--once'] }), PIPELINE_ENV);
  await runKeytrail(stageArgs(pipeline, 'seal', { extra: ['--once'] }), PIPELINE_ENV);
  const store = openChainStore(dataDirPath(join(pipeline.root, 'seal'), 'chain'), ORIGIN);
  try {
    const ids: string[] = [];
    for (const row of store.entries(0, store.head().size)) {
      const { record } = JSON.parse(row.bytes.toString('utf8')) as Entry;
      if (record.kmsEvent !== null) ids.push(`kms:${record.kmsEvent.provider}:${record.kmsEvent.eventId}`);
      if (record.appEvent !== null) ids.push(`app:${record.appEvent.event.eventId}`);
    }
    return ids;
  } finally {
    store.close();
  }
}

/** Count and ids compared with the input: none lost, none twice; and the chain verifies. */
export function expectEveryInputOnce(chainIds: string[], pipeline: Pipeline): void {
  const duplicated = chainIds.filter((id, index) => chainIds.indexOf(id) !== index);
  const chainSet = new Set(chainIds);
  const lost = pipeline.inputs.inputIds.filter((id) => !chainSet.has(id));
  expect({ lost: lost.length, duplicated: duplicated.length, count: chainIds.length }).toEqual({ lost: 0, duplicated: 0, count: pipeline.inputs.inputIds.length });
  expect([...chainSet].sort()).toEqual([...pipeline.inputs.inputIds].sort());
  expect(verifyDataDirectory(join(pipeline.root, 'seal')).ok).toBe(true);
}
