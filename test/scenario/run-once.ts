import { join } from 'node:path';
import { createSqliteBus } from '../../src/bus/sqlite-bus.ts';
import { createTopicNames } from '../../src/bus/topics.ts';
import type { Bus, Clock } from '../../src/core/ports.ts';
import { parseCorrelateConfig, type CorrelateConfig, type CorrelateConfigInput } from '../../src/correlate/config.ts';
import { createCorrelator, type CorrelatorCounts } from '../../src/correlate/correlator.ts';
import { openJoinState } from '../../src/correlate/state.ts';
import type { IngestCounts } from '../../src/ingest/publisher.ts';
import { generateRawDeliveries, windowsFromConfig, type ScenarioOptions } from './generate.ts';
import { createScenarioIngest } from './ingest.ts';
import { readRecords } from './pipeline.ts';
import { scoreRecords, type AccuracyReport } from './score.ts';
import { createTruth, type ScenarioTruth } from './truth.ts';

/** The correlator configuration the scenarios run with: the defaults, with the heuristic rule on for GCP. */
export function scenarioConfig(overrides: CorrelateConfigInput = {}): CorrelateConfig {
  return parseCorrelateConfig({ ...overrides, providers: { gcp: { heuristic: { enabled: true } }, ...overrides.providers } });
}

export const FIXED_CLOCK: Clock = { now: () => new Date('2026-02-01T00:00:00Z') };

export interface ScenarioRun {
  truth: ScenarioTruth;
  report: AccuracyReport;
  counts: CorrelatorCounts;
  ingest: IngestCounts;
}

/**
 * The backfill pipeline on a generated scenario: every raw record through the ingest path onto the
 * embedded bus, correlate until drained, close every window (--once), read the records back and score them.
 */
export async function runScenarioOnce(directory: string, options: Omit<ScenarioOptions, 'windows' | 'truth'>, config = scenarioConfig(), partitions = 3): Promise<ScenarioRun> {
  const truth = createTruth();
  // Large batches: fewer fsync'd commits on the bus and in the state, the same records.
  const bus: Bus = createSqliteBus({ path: join(directory, 'bus.db'), partitions, maxBatchMessages: 5_000 });
  const state = openJoinState(join(directory, 'correlate.db'));
  try {
    const topics = createTopicNames();
    const ingest = createScenarioIngest({ bus, topics, directory, truth, batchSize: 5_000 });
    try {
      for (const delivery of generateRawDeliveries({ ...options, windows: windowsFromConfig(config), truth })) await ingest.add(delivery);
      await ingest.finish();
    } finally {
      ingest.close();
    }
    const correlator = createCorrelator({ bus, topics, state, clock: FIXED_CLOCK, config });
    await correlator.run({ untilIdle: true });
    await correlator.closeAll();
    const records = await readRecords(bus, topics);
    return { truth, report: scoreRecords(records, truth), counts: correlator.counts, ingest: ingest.counts };
  } finally {
    state.close();
    await bus.close();
  }
}
