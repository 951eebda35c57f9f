import { describe, expect, inject, it } from 'vitest';
import { createPipeline, expectEveryInputOnce, finishAndReadChain, ingestPart, isBatchOf, streamStage } from './helpers/kafka-pipeline.ts';
import { useTempDirs } from './helpers/temp-dir.ts';
import { startBroker, stopBroker } from './setup/kafka-broker.ts';

const tempDir = useTempDirs();

describe('Kafka pipeline under faults (real broker, one process per stage)', () => {
  it('seals every input exactly once after the sealer and the correlator are killed with SIGKILL mid-stream and restarted', { timeout: 240_000 }, async () => {
    const pipeline = createPipeline(tempDir(), inject('kafkaBrokers'));
    let correlator = streamStage(pipeline, 'correlate');
    let sealer = streamStage(pipeline, 'seal');
    const firstSeal = sealer.waitForLog(isBatchOf('seal'));
    await ingestPart(pipeline, 0);
    await firstSeal;
    sealer.kill('SIGKILL');
    correlator.kill('SIGKILL');
    expect((await sealer.exited).signal).toBe('SIGKILL');
    expect((await correlator.exited).signal).toBe('SIGKILL');

    await ingestPart(pipeline, 1);
    correlator = streamStage(pipeline, 'correlate');
    sealer = streamStage(pipeline, 'seal');
    await sealer.waitForLog((line) => isBatchOf('seal')(line) && (line.chainSize ?? 0) >= pipeline.inputs.pairs);
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
      const pipeline = createPipeline(tempDir(), brokers);
      const correlator = streamStage(pipeline, 'correlate');
      const sealer = streamStage(pipeline, 'seal');
      const firstSeal = sealer.waitForLog(isBatchOf('seal'));
      await ingestPart(pipeline, 0);
      await firstSeal;
      stopBroker(brokerDir);
      expect(startBroker(brokerDir, Number(brokers.split(':')[1]))).toBe(brokers);
      // The same processes carry on: the second half only reaches the chain through them.
      await ingestPart(pipeline, 1);
      await sealer.waitForLog((line) => isBatchOf('seal')(line) && (line.chainSize ?? 0) >= pipeline.inputs.pairs);
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
