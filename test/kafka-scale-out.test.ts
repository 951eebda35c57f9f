import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import type { LogLine } from './helpers/keytrail-process.ts';
import { createPipeline, expectEveryInputOnce, finishAndReadChain, ingestPart, isBatchOf, streamStage } from './helpers/kafka-pipeline.ts';
import { useTempDirs } from './helpers/temp-dir.ts';

const tempDir = useTempDirs();

interface Assigned {
  partitions: { topic: string; partition: number }[];
}

describe('Kafka pipeline scaled out', () => {
  it('shares the events between two correlator processes, partition n of both topics on one of them, and seals every input once', { timeout: 240_000 }, async () => {
    const pipeline = createPipeline(tempDir(), inject('kafkaBrokers'));
    // Both processes share one state directory, each under its own instance id, so a partition that moves between
    // them in a rebalance (a slow heartbeat on a loaded machine) keeps its windows and applied offsets.
    const shared = join(pipeline.root, 'correlate');
    const correlators = ['correlator-1', 'correlator-2'].map((id) => streamStage(pipeline, 'correlate', shared, ['--instance-id', id]));
    const sealer = streamStage(pipeline, 'seal');
    // Both members hold half of the 4 partitions of each of the 2 events topics before any event arrives.
    const halves = (await Promise.all(correlators.map((correlator) => correlator.waitForLog((line: LogLine) => line.msg === 'partitions assigned' && (line as LogLine & Assigned).partitions.length === 4)))) as (LogLine & Assigned)[];
    const numbers = halves.map((half) => new Set(half.partitions.map((entry) => entry.partition)));
    expect(numbers.map((set) => set.size)).toEqual([2, 2]);
    expect([...numbers[0]!, ...numbers[1]!].sort()).toEqual([0, 1, 2, 3]);

    const worked = correlators.map((correlator) => correlator.waitForLog(isBatchOf('correlate')));
    await ingestPart(pipeline, 0);
    await ingestPart(pipeline, 1);
    await Promise.all(worked);
    await sealer.waitForLog((line) => isBatchOf('seal')(line) && (line.chainSize ?? 0) >= pipeline.inputs.pairs);
    for (const process of [sealer, ...correlators]) process.kill('SIGTERM');
    const exits = await Promise.all([sealer, ...correlators].map((process) => process.exited));
    for (const exit of exits) expect(exit.code).toBe(0);
    // Sharing the state, neither correlator ever resumed a partition past what the state had applied.
    for (const exit of exits) expect(exit.stderr).not.toContain('CORRELATE_STATE_GAP');

    expectEveryInputOnce(await finishAndReadChain(pipeline, [shared]), pipeline);
  });
});
