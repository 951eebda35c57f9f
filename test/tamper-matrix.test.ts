import { beforeAll, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../src/core/errors.ts';
import { verifyDataDirectory, verifyPath, verifySource } from '../src/verify/data-dir.ts';
import { verifyLogInParallel, type VerifyOptions } from '../src/verify/verify-log.ts';
import type { VerifyReport } from '../src/verify/report.ts';
import { createLineSource, sealLog, writeTamperedDataDir, type SealedLog } from './helpers/sealed-log.ts';
import * as tamper from './helpers/tampers.ts';
import { useSuiteTempDir, useTempDirs } from './helpers/temp-dir.ts';

const tempDir = useTempDirs();
const suiteDir = useSuiteTempDir();
let log: SealedLog;
let base: tamper.Model;

beforeAll(() => {
  log = sealLog(`${suiteDir()}/sealed`);
  base = log.model();
});

interface Case {
  name: string;
  tamper: () => { model: tamper.Model; known?: string[] };
  /** The reason each source must give; `line` stands for the bundle shape (no stored hashes). */
  reason: { dataDir: ErrorCode; line: ErrorCode };
  /** Codes that must not appear: the reason is the right one, not a side effect. */
  absent?: ErrorCode[];
  firstDivergence?: number;
}

const CASES: Case[] = [
  { name: 'one modified byte in an entry', tamper: () => ({ model: tamper.modifyOneByte(base, 13) }), reason: { dataDir: 'VERIFY_ENTRY_HASH_MISMATCH', line: 'VERIFY_PREV_MISMATCH' }, firstDivergence: 13 },
  { name: 'a deleted entry', tamper: () => ({ model: tamper.deleteEntry(base, 13) }), reason: { dataDir: 'VERIFY_SEQ_GAP', line: 'VERIFY_SEQ_GAP' }, absent: ['VERIFY_SEQ_ORDER'], firstDivergence: 13 },
  {
    name: 'a forged entry inserted with every later seq, prev and hash recomputed',
    tamper: () => ({ model: tamper.insertForgedEntry(base, 13) }),
    reason: { dataDir: 'VERIFY_CHECKPOINT_ROOT', line: 'VERIFY_CHECKPOINT_ROOT' },
    absent: ['VERIFY_ENTRY_HASH_MISMATCH', 'VERIFY_PREV_MISMATCH', 'VERIFY_SEQ_GAP', 'VERIFY_SEQ_ORDER'],
    firstDivergence: 8,
  },
  { name: 'two swapped entries', tamper: () => ({ model: tamper.swapEntries(base, 13, 14) }), reason: { dataDir: 'VERIFY_SEQ_ORDER', line: 'VERIFY_SEQ_ORDER' }, firstDivergence: 13 },
  {
    name: 'the last 10 entries removed with their checkpoints, an earlier checkpoint known to the auditor',
    tamper: () => ({ model: tamper.truncate(base, 10), known: [base.checkpoints.find((checkpoint) => checkpoint.size === 40)!.note] }),
    reason: { dataDir: 'VERIFY_TRUNCATED', line: 'VERIFY_TRUNCATED' },
    firstDivergence: 30,
  },
  { name: 'a replaced checkpoint signature', tamper: () => ({ model: tamper.replaceSignature(base, 2) }), reason: { dataDir: 'VERIFY_CHECKPOINT_SIGNATURE', line: 'VERIFY_CHECKPOINT_SIGNATURE' }, absent: ['VERIFY_CHECKPOINT_UNTRUSTED'] },
  {
    name: 'a rewritten log signed with a different key',
    tamper: () => ({ model: tamper.resignWithAnotherKey(base, 13) }),
    reason: { dataDir: 'VERIFY_CHECKPOINT_UNTRUSTED', line: 'VERIFY_CHECKPOINT_UNTRUSTED' },
    absent: ['VERIFY_CHECKPOINT_SIGNATURE'],
  },
  { name: 'non-canonical but semantically equal JSON', tamper: () => ({ model: tamper.makeNonCanonical(base, 13) }), reason: { dataDir: 'VERIFY_ENTRY_NOT_CANONICAL', line: 'VERIFY_ENTRY_NOT_CANONICAL' }, absent: ['VERIFY_ENTRY_HASH_MISMATCH'], firstDivergence: 13 },
  {
    name: 'a validly signed checkpoint whose root does not match',
    tamper: () => ({ model: tamper.resignCheckpoint(base, 16, log.signer, (body) => ({ ...body, rootBase64: tamper.rootOf(base, 15).toString('base64') })) }),
    reason: { dataDir: 'VERIFY_CHECKPOINT_ROOT', line: 'VERIFY_CHECKPOINT_ROOT' },
    absent: ['VERIFY_CHECKPOINT_HEAD', 'VERIFY_CHECKPOINT_SIZE'],
  },
  {
    name: 'a validly signed checkpoint with a wrong tree size',
    tamper: () => ({ model: tamper.resignCheckpoint(base, 16, log.signer, (body) => ({ ...body, size: 20 })) }),
    reason: { dataDir: 'VERIFY_CHECKPOINT_SIZE', line: 'VERIFY_CHECKPOINT_SIZE' },
    absent: ['VERIFY_CHECKPOINT_ROOT', 'VERIFY_TRUNCATED'],
  },
  {
    name: 'a validly signed checkpoint claiming more entries than were ever sealed',
    tamper: () => ({ model: tamper.resignCheckpoint(base, 40, log.signer, (body) => ({ ...body, size: 45 })) }),
    reason: { dataDir: 'VERIFY_CHECKPOINT_SIZE', line: 'VERIFY_CHECKPOINT_SIZE' },
    absent: ['VERIFY_TRUNCATED'],
  },
];

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
