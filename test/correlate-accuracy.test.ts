import { describe, expect, it } from 'vitest';
import { runScenarioOnce } from './scenario/run-once.ts';
import { useTempDirs } from './helpers/temp-dir.ts';

const tempDir = useTempDirs();

/**
 * The correlator against ground truth: a seeded scenario of 100 000 deliveries over all four providers
 * (cache hits, service-invoked calls, failures, rotations, duplicates, out-of-order and late delivery
 * within and beyond the windows, clock skew, calls no application made), through the embedded bus with
 * three partitions, in backfill mode (--once).
 */
describe('correlator accuracy on a generated scenario', () => {
  it('names no wrong user, attributes every on-time exact and cached case, and puts every event in exactly one record', { timeout: 600_000 }, async () => {
    const run = await runScenarioOnce(tempDir(), { seed: 20260110, events: 100_000 });
    const { report, truth, counts } = run;
    expect(run.published).toBe(truth.deliveries);
    expect(truth.deliveries).toBeGreaterThanOrEqual(100_000);
    expect(report.precisionViolations).toEqual([]);
    expect(report.recallMisses).toEqual([]);
    expect(report.ownershipViolations).toEqual([]);
    expect(counts.duplicates).toBe(truth.duplicateDeliveries);
    expect(counts.kmsEvents + counts.appEvents).toBe(truth.deliveries);
    expect(counts.deadLettered).toBe(0);
    // Every kind of record and every rule occurs, so none of the checks above held vacuously.
    for (const kind of ['attributed', 'unattributed', 'unconfirmed', 'service', 'lifecycle', 'correction']) expect(report.kinds[kind] ?? 0).toBeGreaterThan(0);
    for (const rule of ['attributed/exact', 'attributed/cached', 'attributed/heuristic', 'correction/exact', 'correction/cached']) expect(report.rules[rule] ?? 0).toBeGreaterThan(0);
    expect(report.heuristic.attributed).toBeGreaterThan(0);
  });
});
