import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

export const BROKER_SCRIPT = fileURLToPath(new URL('../../scripts/kafka-broker.sh', import.meta.url));

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string;
  }
}

/** Starts a broker through the project's script; throws with the script's own words when it cannot. */
export function startBroker(directory: string, port?: number): string {
  const result = spawnSync('bash', [BROKER_SCRIPT, 'start', directory, ...(port === undefined ? [] : [String(port)])], {
    encoding: 'utf8',
    env: { ...process.env, KEYTRAIL_KAFKA_WATCH_PID: String(process.pid) },
  });
  if (result.status !== 0) {
    throw new Error(`the Kafka test broker could not start (scripts/kafka-broker.sh start ${directory} exited ${result.status}):\n${result.stderr}${result.stdout}`);
  }
  return result.stdout.trim().split('\n').pop()!;
}

export function stopBroker(directory: string): void {
  const result = spawnSync('bash', [BROKER_SCRIPT, 'stop', directory], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`stopping the Kafka test broker failed: ${result.stderr}`);
}

/**
 * vitest globalSetup: one broker for the whole run. Tests read its address with inject('kafkaBrokers')
 * (and child processes from KEYTRAIL_TEST_KAFKA_BROKERS); each test uses its own topic prefix.
 */
export default function setup(project: TestProject): () => void {
  const directory = mkdtempSync(join(tmpdir(), 'keytrail-kafka-'));
  const brokers = startBroker(directory);
  process.env.KEYTRAIL_TEST_KAFKA_BROKERS = brokers;
  project.provide('kafkaBrokers', brokers);
  return () => {
    stopBroker(directory);
    rmSync(directory, { recursive: true, force: true });
  };
}
