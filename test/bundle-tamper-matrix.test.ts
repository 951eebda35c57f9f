import { chmodSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../src/core/errors.ts';
import { verifyPath } from '../src/verify/data-dir.ts';
import type { VerifyReport } from '../src/verify/report.ts';
import { exportLog } from './helpers/export-env.ts';
import { sealLog, type SealedLog } from './helpers/sealed-log.ts';
import { createTamperCases } from './helpers/tamper-cases.ts';
import { writeTamperedBundle } from './helpers/tampered-bundle.ts';
import type * as tamper from './helpers/tampers.ts';
import { useSuiteTempDir, useTempDirs } from './helpers/temp-dir.ts';

const tempDir = useTempDirs();
const suiteDir = useSuiteTempDir();
let log: SealedLog;
let base: tamper.Model;
let bundleDir: string;

beforeAll(async () => {
  log = sealLog(join(suiteDir(), 'sealed'));
  base = log.model();
  const to = join(suiteDir(), 'exported');
  await exportLog(log, { to, immutable: 'off' });
  bundleDir = join(to, 'bundle-000001');
});

const CASES = createTamperCases(() => ({ log, base }));

async function verifyBundleDir(dir: string, known: string[] = []): Promise<VerifyReport> {
  const report = await verifyPath(dir, { workers: 0, trustedKeys: [log.verifierKey], knownCheckpoints: known.map((note, index) => ({ label: `known-${index}.note`, note })) });
  if (report.kind !== 'bundle') throw new Error(`expected a bundle report, got ${report.kind}`);
  return report;
}

const codes = (report: VerifyReport): ErrorCode[] => report.findings.map((finding) => finding.code);

describe('tamper matrix against an exported bundle', () => {
  it('verifies the untouched bundle, and the same content rewritten by the test harness', async () => {
    for (const dir of [bundleDir, writeTamperedBundle(bundleDir, join(tempDir(), 'bundle-000001'), base)]) {
      const report = await verifyBundleDir(dir);
      expect(report.findings).toEqual([]);
      expect(report).toMatchObject({ ok: true, kind: 'bundle', entries: 40, pending: null, freshness: { fresh: true } });
    }
  });

  it.each(CASES.map((testCase) => [testCase.name, testCase] as const))('detects %s', async (_name, testCase) => {
    const { model, known } = testCase.tamper();
    const report = await verifyBundleDir(writeTamperedBundle(bundleDir, join(tempDir(), 'bundle-000001'), model), known);
    expect(report.ok).toBe(false);
    expect(codes(report)).toContain(testCase.reason.line);
    for (const code of testCase.absent ?? []) expect(codes(report)).not.toContain(code);
    if (testCase.firstDivergence !== undefined) expect(report.firstDivergence).toBe(testCase.firstDivergence);
    const finding = report.findings.find((candidate) => candidate.code === testCase.reason.line)!;
    expect(finding.where ?? finding.checkpoint).toMatch(/^bundle-000001\/(segments|checkpoints)\/|^known-/);
  });

  it('also names the segment whose SHA-256 no longer matches when the manifest was left alone', async () => {
    const target = join(tempDir(), 'bundle-000001');
    cpSync(bundleDir, target, { recursive: true });
    const segment = join(target, 'segments', '000000000000.jsonl');
    const bytes = readFileSync(segment);
    bytes[bytes.indexOf('export-job-01') + 'export-job-0'.length] = '2'.charCodeAt(0);
    chmodSync(segment, 0o644);
    writeFileSync(segment, bytes);
    const report = await verifyBundleDir(target);
    expect(report.findings.find((finding) => finding.code === 'VERIFY_BUNDLE_FILE_HASH')).toMatchObject({ where: 'bundle-000001/segments/000000000000.jsonl' });
    expect(report.findings.find((finding) => finding.code === 'VERIFY_PREV_MISMATCH')).toMatchObject({ seq: 1, where: 'bundle-000001/segments/000000000000.jsonl:2' });
  });
});
