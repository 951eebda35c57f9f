import { beforeAll, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../src/core/errors.ts';
import { verifyDataDirectory, verifyPath, verifySource } from '../src/verify/data-dir.ts';
import { verifyLogInParallel, type VerifyOptions } from '../src/verify/verify-log.ts';
import type { VerifyReport } from '../src/verify/report.ts';
import { createLineSource, sealLog, writeTamperedDataDir, type SealedLog } from './helpers/sealed-log.ts';
import { createTamperCases } from './helpers/tamper-cases.ts';
import type * as tamper from './helpers/tampers.ts';
import { useSuiteTempDir, useTempDirs } from './helpers/temp-dir.ts';

const tempDir = useTempDirs();
const suiteDir = useSuiteTempDir();
let log: SealedLog;
let base: tamper.Model;

beforeAll(() => {
  log = sealLog(`${suiteDir()}/sealed`);
  base = log.model();
});

const CASES = createTamperCases(() => ({ log, base }));

function options(known: string[] = []): VerifyOptions {
  return { trustedKeys: [log.verifierKey], now: () => log.verifiedAt, knownCheckpoints: known.map((note, index) => ({ label: `known-${index}.note`, note })) };
}

const codes = (report: VerifyReport): ErrorCode[] => report.findings.map((finding) => finding.code);

describe('tamper matrix', () => {
  it('verifies the untouched log from both sources', () => {
    for (const report of [verifyDataDirectory(log.dataDir, options()), verifySource(createLineSource(base, log.verifierKey), options())]) {
      expect(report.findings).toEqual([]);
      expect(report).toMatchObject({ ok: true, entries: 40, pending: null, freshness: { fresh: true } });
    }
  });

  describe.each(['dataDir', 'line'] as const)('against a %s source', (kind) => {
    it.each(CASES.map((testCase) => [testCase.name, testCase] as const))('detects %s', (_name, testCase) => {
      const { model, known } = testCase.tamper();
      const report = kind === 'dataDir' ? verifyDataDirectory(writeTamperedDataDir(log, tempDir(), model), options(known)) : verifySource(createLineSource(model, log.verifierKey), options(known));
      expect(report.ok).toBe(false);
      expect(codes(report)).toContain(testCase.reason[kind]);
      for (const code of testCase.absent ?? []) expect(codes(report)).not.toContain(code);
      if (testCase.firstDivergence !== undefined) expect(report.firstDivergence).toBe(testCase.firstDivergence);
      const finding = report.findings.find((candidate) => candidate.code === testCase.reason[kind])!;
      expect(finding.message.length).toBeGreaterThan(10);
      expect(finding.where ?? finding.checkpoint).toBeDefined();
    });
  });

  it('gives the same report with worker threads inspecting the entries', async () => {
    // The line source knows no size, so the workers run even for this small log.
    for (const testCase of CASES.filter((candidate) => ['one modified byte in an entry', 'two swapped entries', 'non-canonical but semantically equal JSON'].includes(candidate.name))) {
      const model = testCase.tamper().model;
      expect(await verifyLogInParallel(createLineSource(model, log.verifierKey), { ...options(), workers: 2 })).toEqual(verifySource(createLineSource(model, log.verifierKey), options()));
    }
    expect(await verifyLogInParallel(createLineSource(base, log.verifierKey), { ...options(), workers: 1 })).toEqual(verifySource(createLineSource(base, log.verifierKey), options()));
    expect(await verifyPath(log.dataDir, { ...options(), workers: 1 })).toEqual(verifyDataDirectory(log.dataDir, options()));
  });
});
