import { beforeAll, describe, expect, it } from 'vitest';
import { dataDirPath } from '../src/core/data-dir.ts';
import { hashLeaf } from '../src/core/merkle-hash.ts';
import type { BusMessage } from '../src/core/ports.ts';
import { signCheckpoint } from '../src/seal/checkpoint.ts';
import { DEFAULT_HEARTBEAT_MS, parseSealerConfig } from '../src/seal/config.ts';
import { createSealCore } from '../src/seal/seal-core.ts';
import { createNoteSigner, generateNoteKeyPair } from '../src/seal/signer.ts';
import { openChainReader } from '../src/seal/chain-reader.ts';
import { openChainStore } from '../src/seal/store.ts';
import { verifyDataDirectory, verifySource } from '../src/verify/data-dir.ts';
import { DEFAULT_CADENCE_MS } from '../src/verify/verify-log.ts';
import { createLineSource, LOG_ORIGIN, sealLog, writeTamperedDataDir, type SealedLog } from './helpers/sealed-log.ts';
import { createManualClock, makeRecord } from './helpers/records.ts';
import * as tamper from './helpers/tampers.ts';
import { useSuiteTempDir, useTempDirs } from './helpers/temp-dir.ts';

const tempDir = useTempDirs();
const suiteDir = useSuiteTempDir();
let log: SealedLog;
const HOUR = 3_600_000;

beforeAll(() => {
  log = sealLog(`${suiteDir()}/sealed`);
});

const codes = (report: { findings: { code: string }[] }) => report.findings.map((finding) => finding.code);
const at = (ms: number) => () => new Date(log.verifiedAt.getTime() + ms);

/** Seals three more records into a copy of the log without a checkpoint becoming due. */
function withPendingTail(): string {
  const dir = writeTamperedDataDir(log, tempDir(), log.model());
  const store = openChainStore(dataDirPath(dir, 'chain'), LOG_ORIGIN);
  const clock = createManualClock(log.verifiedAt.toISOString());
  const core = createSealCore({ store, signers: [log.signer], clock, config: parseSealerConfig({ checkpointEveryEntries: 1000, checkpointEveryMs: 60_000, heartbeatMs: 600_000 }) });
  const batch: BusMessage[] = [40, 41, 42].map((n) => ({ topic: 'records', partition: 0, offset: String(n), key: String(n), value: Buffer.from(JSON.stringify(makeRecord(n))), headers: {} }));
  core.sealBatch(batch);
  store.close();
  return dir;
}

describe('a live log\'s unsigned tail', () => {
  it('is reported as pending and accepted while the head is fresh', () => {
    const report = verifyDataDirectory(withPendingTail(), { trustedKeys: [log.verifierKey], now: at(1000) });
    expect(report.findings).toEqual([]);
    expect(report).toMatchObject({ ok: true, entries: 43, pending: { fromSeq: 40, count: 3, accepted: true } });
  });

  it('fails with --require-signed', () => {
    const report = verifyDataDirectory(withPendingTail(), { trustedKeys: [log.verifierKey], now: at(1000), requireSigned: true });
    expect(codes(report)).toEqual(['VERIFY_UNCOVERED_ENTRIES']);
  });

  it('fails once the head is stale: no checkpoint is coming for it', () => {
    const report = verifyDataDirectory(withPendingTail(), { trustedKeys: [log.verifierKey], now: at(HOUR) });
    expect(codes(report).sort()).toEqual(['VERIFY_STALE_HEAD', 'VERIFY_UNCOVERED_ENTRIES']);
  });

  it('fails for an appended entry that claims to predate the newest checkpoint', () => {
    const report = verifyDataDirectory(writeTamperedDataDir(log, tempDir(), tamper.appendForgedEntry(log.model())), { trustedKeys: [log.verifierKey], now: at(1000) });
    expect(codes(report)).toEqual(['VERIFY_UNCOVERED_ENTRIES']);
    expect(report.pending).toEqual({ fromSeq: 40, count: 1, accepted: false });
  });
});

describe('freshness', () => {
  it('assumes the sealer\'s default heartbeat as the cadence', () => {
    expect(DEFAULT_CADENCE_MS).toBe(DEFAULT_HEARTBEAT_MS);
  });

  it('reports a stale head when the newest checkpoint is older than cadence + grace', () => {
    const report = verifyDataDirectory(log.dataDir, { trustedKeys: [log.verifierKey], now: at(HOUR) });
    expect(codes(report)).toEqual(['VERIFY_STALE_HEAD']);
    expect(report.freshness).toMatchObject({ fresh: false, maxAgeMs: 120_000, newestSignedAt: '2026-01-10T13:00:10.000Z' });
  });

  it('judges an archived log at the time given with --as-of, and honours a longer cadence', () => {
    expect(verifyDataDirectory(log.dataDir, { trustedKeys: [log.verifierKey], now: at(HOUR), asOf: log.verifiedAt }).ok).toBe(true);
    expect(verifyDataDirectory(log.dataDir, { trustedKeys: [log.verifierKey], now: at(HOUR), cadenceMs: HOUR }).ok).toBe(true);
  });

  it('says nothing vouches for a log without any trusted checkpoint', () => {
    const report = verifyDataDirectory(writeTamperedDataDir(log, tempDir(), { ...log.model(), checkpoints: [] }), { trustedKeys: [log.verifierKey], now: at(0) });
    expect(codes(report)).toEqual(['VERIFY_NO_CHECKPOINT']);
  });
});

describe('checkpoints against each other and against the auditor\'s', () => {
  it('accepts a checkpoint the auditor kept when the log still contains it', () => {
    const known = log.model().checkpoints.find((checkpoint) => checkpoint.size === 24)!;
    const report = verifyDataDirectory(log.dataDir, { trustedKeys: [log.verifierKey], now: at(0), knownCheckpoints: [{ label: 'audit-2026-01.note', note: known.note }] });
    expect(report).toMatchObject({ ok: true, checkpoints: { given: 1 } });
  });

  it('reports two signed checkpoints of one size with different roots as a fork', () => {
    const model = log.model();
    const forged = tamper.resignCheckpoint(model, 16, log.signer, (body) => ({ ...body, rootBase64: Buffer.alloc(32, 1).toString('base64') }));
    const report = verifyDataDirectory(writeTamperedDataDir(log, tempDir(), { ...model, checkpoints: [...model.checkpoints, forged.checkpoints.find((checkpoint) => checkpoint.size === 16)!] }), { trustedKeys: [log.verifierKey], now: at(0) });
    expect(codes(report)).toContain('VERIFY_CHECKPOINT_INCONSISTENT');
  });

  it('reports a checkpoint of another log', () => {
    const other = createNoteSigner(generateNoteKeyPair('example.com/other').signerKey);
    const note = signCheckpoint({ ...tamper.bodyOf(log.model().checkpoints[1]!.note), origin: 'example.com/other' }, [other]);
    const report = verifyDataDirectory(log.dataDir, { trustedKeys: [log.verifierKey, other.verifierKey], now: at(0), knownCheckpoints: [{ label: 'other.note', note }] });
    expect(codes(report)).toEqual(['VERIFY_CHECKPOINT_ORIGIN']);
  });

  it('verifies a log signed by two keys during a rotation with either key alone', () => {
    const next = createNoteSigner(generateNoteKeyPair(LOG_ORIGIN).signerKey);
    const model = log.model();
    const both = { ...model, checkpoints: model.checkpoints.map((checkpoint) => ({ size: checkpoint.size, note: signCheckpoint(tamper.bodyOf(checkpoint.note), [log.signer, next]) })) };
    const dir = writeTamperedDataDir(log, tempDir(), both);
    for (const key of [log.verifierKey, next.verifierKey]) expect(verifyDataDirectory(dir, { trustedKeys: [key], now: at(0) }).ok).toBe(true);
  });
});

describe('a source that continues an earlier one (the bundle case)', () => {
  function continuing(frontierRoot: Buffer) {
    const model = log.model();
    const source = createLineSource({ rows: model.rows.slice(16), checkpoints: model.checkpoints }, log.verifierKey);
    return { ...source, start: () => ({ seq: 16, prevHex: tamper.headAt(model, 16), frontier: [frontierRoot] }) };
  }

  it('verifies from seq 16 on, anchored by the checkpoint of 16 entries', () => {
    const report = verifySource(continuing(tamper.rootOf(log.model(), 16)), { trustedKeys: [log.verifierKey], now: at(0) });
    expect(report.findings).toEqual([]);
    expect(report).toMatchObject({ ok: true, entries: 40, firstSeq: 16 });
  });

  it('refuses a start the checkpoints do not vouch for', () => {
    const report = verifySource(continuing(hashLeaf(Buffer.from('forged'))), { trustedKeys: [log.verifierKey], now: at(0) });
    expect(codes(report)).toContain('VERIFY_START_UNANCHORED');
  });
});

describe('a bundle start built from the ChainReader frontier', () => {
  it('lets the verifier continue the tree from seq 24 with the sealer\'s own frontier', () => {
    const reader = openChainReader(dataDirPath(log.dataDir, 'chain'));
    try {
      const model = log.model();
      const source = { ...createLineSource({ rows: model.rows.slice(24), checkpoints: model.checkpoints }, log.verifierKey), start: () => ({ seq: 24, prevHex: tamper.headAt(model, 24), frontier: reader.frontier(24) }) };
      expect(reader.frontier(24).map((hash) => hash.length)).toEqual([32, 32]);
      const report = verifySource(source, { trustedKeys: [log.verifierKey], now: at(0) });
      expect(report.findings).toEqual([]);
      expect(report).toMatchObject({ ok: true, entries: 40, firstSeq: 24 });
    } finally {
      reader.close();
    }
  });
});
