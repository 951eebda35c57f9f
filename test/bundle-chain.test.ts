import { appendFileSync, chmodSync, cpSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../src/core/errors.ts';
import type { BundleManifest } from '../src/core/schemas/bundle-manifest.ts';
import type { ChainReport } from '../src/verify/chain-report.ts';
import { verifyPath } from '../src/verify/data-dir.ts';
import { runCli } from './helpers/cli.ts';
import { exportLog } from './helpers/export-env.ts';
import { sealLog, type SealedLog } from './helpers/sealed-log.ts';
import { useSuiteTempDir, useTempDirs } from './helpers/temp-dir.ts';

const tempDir = useTempDirs();
const suiteDir = useSuiteTempDir();
let log: SealedLog;
let exported: string;

beforeAll(async () => {
  log = sealLog(join(suiteDir(), 'sealed'));
  exported = join(suiteDir(), 'exported');
  // Three bundles: seq 0–15, 16–31, 32–39; not immutable, so the tests can play the attacker.
  await exportLog(log, { to: exported, bundleMaxEntries: 16, immutable: 'off' });
});

/** A copy of the exported chain with `change` applied (files made writable first). */
function tampered(change: (dir: string) => void): string {
  const dir = join(tempDir(), 'chain');
  cpSync(exported, dir, { recursive: true });
  change(dir);
  return dir;
}

function writable(path: string): string {
  chmodSync(path, 0o644);
  return path;
}

async function verifyChain(dir: string, known: string[] = []): Promise<ChainReport> {
  const report = await verifyPath(dir, { workers: 0, trustedKeys: [log.verifierKey], knownCheckpoints: known.map((note, index) => ({ label: `known-${index}.note`, note })) });
  if (report.kind !== 'bundle-chain') throw new Error(`expected a chain report, got ${report.kind}`);
  return report;
}

const allFindings = (report: ChainReport) => [...report.findings, ...report.bundles.flatMap((bundle) => bundle.report.findings)];
const codes = (report: ChainReport): ErrorCode[] => allFindings(report).map((finding) => finding.code);
const find = (report: ChainReport, code: ErrorCode) => allFindings(report).find((finding) => finding.code === code);

describe('verify on a chain of bundles', () => {
  it('accepts the chain as exported', async () => {
    const report = await verifyChain(exported);
    expect(allFindings(report)).toEqual([]);
    expect(report).toMatchObject({ ok: true, entries: 40 });
    expect(report.bundles.map((bundle) => [bundle.name, bundle.firstSeq, bundle.endSeq])).toEqual([
      ['bundle-000001', 0, 16],
      ['bundle-000002', 16, 32],
      ['bundle-000003', 32, 40],
    ]);
  });

  it('reports a missing bundle', async () => {
    const report = await verifyChain(tampered((dir) => rmSync(join(dir, 'bundle-000002'), { recursive: true })));
    expect(report.ok).toBe(false);
    expect(find(report, 'VERIFY_BUNDLE_MISSING')).toMatchObject({ where: 'bundle-000003', seq: 16, expected: 'bundle 2 from seq 16', actual: 'bundle 3 from seq 32' });
  });

  it('reports a missing last bundle when the auditor kept a later checkpoint', async () => {
    const known = log.model().checkpoints.find((checkpoint) => checkpoint.size === 40)!.note;
    const report = await verifyChain(tampered((dir) => rmSync(join(dir, 'bundle-000003'), { recursive: true })), [known]);
    expect(find(report, 'VERIFY_BUNDLE_MISSING')).toMatchObject({ checkpoint: 'known-0.note', seq: 32, expected: '40', actual: '32' });
  });

  it('reports a truncated bundle: a segment cut inside a line', async () => {
    const report = await verifyChain(tampered((dir) => truncateSync(writable(join(dir, 'bundle-000002', 'segments', '000000000016.jsonl')), 5000)));
    expect(report.ok).toBe(false);
    expect(codes(report)).toContain('VERIFY_BUNDLE_TRUNCATED');
    expect(allFindings(report).filter((finding) => finding.code === 'VERIFY_BUNDLE_TRUNCATED').map((finding) => finding.where)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^bundle-000002\/segments\/000000000016\.jsonl:\d+$/), 'bundle-000002/segments/000000000016.jsonl']),
    );
  });

  it('reports a truncated bundle: a segment file removed', async () => {
    const report = await verifyChain(tampered((dir) => rmSync(join(dir, 'bundle-000002', 'segments', '000000000016.jsonl'))));
    expect(find(report, 'VERIFY_BUNDLE_TRUNCATED')).toMatchObject({ where: 'bundle-000002/segments/000000000016.jsonl' });
  });

  it('reports swapped bundles', async () => {
    const report = await verifyChain(
      tampered((dir) => {
        renameSync(join(dir, 'bundle-000002'), join(dir, 'swap'));
        renameSync(join(dir, 'bundle-000003'), join(dir, 'bundle-000002'));
        renameSync(join(dir, 'swap'), join(dir, 'bundle-000003'));
      }),
    );
    expect(report.ok).toBe(false);
    expect(report.findings.filter((finding) => finding.code === 'VERIFY_BUNDLE_SWAPPED').map((finding) => [finding.where, finding.expected, finding.actual])).toEqual([
      ['bundle-000002', '2', '3'],
      ['bundle-000003', '3', '2'],
    ]);
  });

  it('reports an altered manifest through the hash the next bundle recorded', async () => {
    const report = await verifyChain(
      tampered((dir) => {
        const path = writable(join(dir, 'bundle-000001', 'manifest.json'));
        const manifest = JSON.parse(readFileSync(path, 'utf8')) as BundleManifest;
        // A consistent-looking change: ten more years of retention claimed, the arithmetic kept right.
        const retention = { ...manifest.retention, retainDays: manifest.retention.retainDays + 3652, retainUntil: new Date(Date.parse(manifest.exportedAt) + (manifest.retention.retainDays + 3652) * 86_400_000).toISOString() };
        writeFileSync(path, `${JSON.stringify({ ...manifest, retention }, null, 2)}\n`);
      }),
    );
    expect(report.ok).toBe(false);
    expect(report.bundles[0]!.report.ok).toBe(true);
    expect(find(report, 'VERIFY_BUNDLE_MANIFEST_ALTERED')).toMatchObject({ where: 'bundle-000001/manifest.json' });
  });

  it('reports a manifest that contradicts its own bundle', async () => {
    const report = await verifyChain(
      tampered((dir) => {
        const path = writable(join(dir, 'bundle-000003', 'manifest.json'));
        const manifest = JSON.parse(readFileSync(path, 'utf8')) as BundleManifest;
        writeFileSync(path, `${JSON.stringify({ ...manifest, closingCheckpoint: { ...manifest.closingCheckpoint, size: 41 } }, null, 2)}\n`);
      }),
    );
    expect(find(report, 'VERIFY_BUNDLE_MANIFEST_ALTERED')).toMatchObject({ where: 'bundle-000003/manifest.json', message: expect.stringContaining('closingCheckpoint differs') });
  });

  it('reports a consistency proof that does not link a bundle to the one before it', async () => {
    const report = await verifyChain(
      tampered((dir) => {
        const path = writable(join(dir, 'bundle-000002', 'manifest.json'));
        const manifest = JSON.parse(readFileSync(path, 'utf8')) as BundleManifest;
        const consistency = { ...manifest.consistency, path: manifest.consistency.path.map((hash, index) => (index === 0 ? Buffer.alloc(32, 7).toString('base64') : hash)) };
        writeFileSync(path, `${JSON.stringify({ ...manifest, consistency }, null, 2)}\n`);
      }),
    );
    expect(find(report, 'VERIFY_BUNDLE_LINK')).toMatchObject({ where: 'bundle-000002/manifest.json', message: expect.stringContaining('the consistency proof from size 16 to 32 does not verify') });
    // The next bundle recorded the manifest as it was exported.
    expect(find(report, 'VERIFY_BUNDLE_MANIFEST_ALTERED')).toMatchObject({ where: 'bundle-000002/manifest.json' });
  });

  it('reports segment lines that are not exactly one entry: CR LF, a byte-order mark', async () => {
    const crlf = await verifyChain(
      tampered((dir) => {
        const path = writable(join(dir, 'bundle-000003', 'segments', '000000000032.jsonl'));
        writeFileSync(path, readFileSync(path, 'utf8').replaceAll('\n', '\r\n'));
      }),
    );
    expect(find(crlf, 'VERIFY_BUNDLE_SEGMENT_LINE')).toMatchObject({ where: 'bundle-000003/segments/000000000032.jsonl:1', message: '8 lines end in CR LF; a segment line ends in LF alone' });
    const bom = await verifyChain(
      tampered((dir) => {
        const path = writable(join(dir, 'bundle-000003', 'segments', '000000000032.jsonl'));
        writeFileSync(path, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(path)]));
      }),
    );
    expect(find(bom, 'VERIFY_BUNDLE_SEGMENT_LINE')).toMatchObject({ where: 'bundle-000003/segments/000000000032.jsonl:1', message: expect.stringContaining('byte-order mark') });
    // The entries themselves are intact: the BOM is the only thing wrong besides the file's hash.
    expect(new Set(codes(bom))).toEqual(new Set(['VERIFY_BUNDLE_SEGMENT_LINE', 'VERIFY_BUNDLE_FILE_HASH']));
  });

  it('reports a file the manifest does not list, and a bundle without its manifest', async () => {
    const extra = await verifyChain(tampered((dir) => writeFileSync(join(dir, 'bundle-000002', 'checkpoints', '000009.note'), 'forged\n')));
    expect(find(extra, 'VERIFY_BUNDLE_FILE_UNLISTED')).toMatchObject({ where: 'bundle-000002/checkpoints/000009.note' });
    const noManifest = await verifyChain(tampered((dir) => rmSync(join(dir, 'bundle-000003', 'manifest.json'))));
    expect(find(noManifest, 'VERIFY_BUNDLE_INCOMPLETE')).toMatchObject({ where: 'bundle-000003/manifest.json' });
    expect(noManifest.ok).toBe(false);
  });

  it('answers through the CLI with exit 0 for the chain and 1 naming the reason for a damaged one', () => {
    const keyFile = join(tempDir(), 'verifier.key');
    writeFileSync(keyFile, `${log.verifierKey}\n`);
    const good = runCli(['verify', exported, '--key', keyFile]);
    expect(good.stdout).toContain('OK: 3 bundles, 40 entries verified');
    expect(good.status).toBe(0);
    const damaged = tampered((dir) => appendFileSync(writable(join(dir, 'bundle-000002', 'segments', '000000000016.jsonl')), 'x'));
    const bad = runCli(['verify', damaged, '--key', keyFile]);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/bundle-000002 seq 16–31 {2}FAILED/);
    expect(bad.stdout).toContain('VERIFY_BUNDLE_TRUNCATED');
    const single = runCli(['verify', join(exported, 'bundle-000002'), '--key', keyFile, '--json']);
    expect(single.status).toBe(0);
    expect(JSON.parse(single.stdout)).toMatchObject({ ok: true, kind: 'bundle', firstSeq: 16, entries: 32 });
  });
});
