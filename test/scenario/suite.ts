import { beforeAll } from 'vitest';
import { createTopicNames } from '../../src/bus/topics.ts';
import { useSuiteTempDir } from '../helpers/temp-dir.ts';
import { generateRawDeliveries, windowsFromConfig } from './generate.ts';
import { ingestToDeliveries, type Delivery } from './pipeline.ts';
import { scenarioConfig } from './run-once.ts';
import { createTruth } from './truth.ts';

/**
 * For a test file that runs the correlator on one scenario several ways: the scenario's raw records are
 * taken through the ingest path once, in beforeAll, and every run of the file publishes the same deliveries.
 */
export function useScenarioDeliveries(options: { seed: number; events: number }) {
  const config = scenarioConfig();
  const truth = createTruth();
  const suiteDir = useSuiteTempDir();
  const deliveries: Delivery[] = [];
  beforeAll(async () => {
    const raw = generateRawDeliveries({ ...options, windows: windowsFromConfig(config), truth });
    for await (const delivery of ingestToDeliveries(raw, { topics: createTopicNames(), directory: suiteDir(), truth })) deliveries.push(delivery);
  });
  return { config, truth, deliveries };
}
