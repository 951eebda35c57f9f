import { describe, expect, it } from 'vitest';
import { runScenarioOnce } from './scenario/run-once.ts';
import { useTempDirs } from './helpers/temp-dir.ts';

const tempDir = useTempDirs();

/**
 * The correlator against ground truth: a seeded scenario of 100 000 event deliveries over all four
 * providers, each call rendered as its provider's raw record (CloudTrail records, Cloud Audit Logs
 * entries, Key Vault AuditEvents in all three shapes, Vault audit request and response entries) and
 * taken through the ingest path (normalisers, Vault pairing, two ingest processes with their own state),
 * onto the embedded bus with three partitions, in backfill mode (--once). Cache hits, service calls,
 * failures, rotations, duplicates on one path and on two, out-of-order and late delivery within and
 * beyond the windows, clock skew, calls no application made.
 */
describe('correlator accuracy on a generated scenario', () => {
  it('names no wrong user, attributes every on-time exact and cached case, and puts every event in exactly one record', { timeout: 600_000 }, async () => {
    const run = await runScenarioOnce(tempDir(), { seed: 20260110, events: 100_000 });
    const { report, truth, counts, ingest } = run;
    expect(truth.deliveries).toBeGreaterThanOrEqual(100_000);
    // Ingest: every raw record read, Vault request entries folded into their responses, challenges filtered, nothing dead-lettered.
    expect(ingest.deadLetterCodes).toEqual({});
    expect(ingest.read).toBe(truth.records);
    expect(ingest.merged).toBe(truth.merged);
    expect(ingest.filtered).toBe(truth.filtered);
    expect(ingest.duplicates).toBe(truth.ingestDuplicates);
    expect(ingest.published).toBe(truth.deliveries - truth.ingestDuplicates);
    // Every published KMS event says what the call was; one call keeps one event id whatever its path and form.
    expect(truth.fieldMismatches).toEqual([]);
    expect(truth.eventsChecked).toBe(counts.kmsEvents);
    expect(truth.idConflicts).toEqual([]);
    expect(counts.kmsEvents + counts.appEvents).toBe(ingest.published);
    expect(counts.duplicates).toBe(truth.crossDuplicates);
    expect(counts.duplicateConflicts).toBe(0);
    expect(counts.deadLettered).toBe(0);
    expect(report.precisionViolations).toEqual([]);
    expect(report.recallMisses).toEqual([]);
    expect(report.ownershipViolations).toEqual([]);
    // Every kind of record and every rule occurs, so none of the checks above held vacuously.
    for (const kind of ['attributed', 'unattributed', 'unconfirmed', 'service', 'lifecycle', 'correction']) expect(report.kinds[kind] ?? 0).toBeGreaterThan(0);
    for (const rule of ['attributed/exact', 'attributed/cached', 'attributed/heuristic', 'correction/exact', 'correction/cached']) expect(report.rules[rule] ?? 0).toBeGreaterThan(0);
    expect(report.heuristic.attributed).toBeGreaterThan(0);
    expect(truth.filtered).toBeGreaterThan(0);
    expect(truth.responseMissing).toBeGreaterThan(0);
    // Duplicates in another form reached the correlator: an Azure row of another table, a Vault entry of another device, a GCP entry over gRPC.
    for (const path of ['azure storage>azkv other ingest', 'azure azkv>diagnostics other ingest', 'vault file>raw other ingest', 'vault file>socket other ingest', 'gcp sink>api other ingest', 'aws s3>s3 same ingest']) {
      expect(truth.duplicatePaths.get(path) ?? 0, path).toBeGreaterThan(0);
    }
  });
});
