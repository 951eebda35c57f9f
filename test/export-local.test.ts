import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/core/hash.ts';
import type { BundleManifest } from '../src/core/schemas/bundle-manifest.ts';
import type { ChainReport } from '../src/verify/chain-report.ts';
import { verifyPath } from '../src/verify/data-dir.ts';
import { EXPORT_TIME, exportLog, failAfter, lsattrImmutable, useWormDestinations, sealMore } from './helpers/export-env.ts';
import { sealLog } from './helpers/sealed-log.ts';
import { useTempDirs } from './helpers/temp-dir.ts';

const tempDir = useTempDirs();
const destination = useWormDestinations(tempDir);

const readManifest = (dir: string): BundleManifest => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as BundleManifest;

async function verifyChain(dir: string, verifierKey: string): Promise<ChainReport> {
  const report = await verifyPath(dir, { workers: 0, trustedKeys: [verifierKey] });
  if (report.kind !== 'bundle-chain') throw new Error(`expected a chain report, got ${report.kind}`);
  return report;
}

describe('keytrail export to a local directory', () => {
  it('writes bundles that end at signed checkpoints, hash exactly as listed, and verify as a chain', async () => {
    const log = sealLog(join(tempDir(), 'sealed'));
    const to = destination();
    const report = await exportLog(log, { to, bundleMaxEntries: 16, segmentMaxEntries: 5 });
    expect(report.bundles.map((bundle) => [bundle.name, bundle.firstSeq, bundle.endSeq])).toEqual([
      ['bundle-000001', 0, 16],
      ['bundle-000002', 16, 32],
      ['bundle-000003', 32, 40],
    ]);
    expect(report.entries).toBe(40);
    const second = readManifest(join(to, 'bundle-000002'));
    expect(second.segments.map((segment) => [segment.path, segment.firstSeq, segment.entries])).toEqual([
      ['segments/000000000016.jsonl', 16, 5],
      ['segments/000000000021.jsonl', 21, 5],
      ['segments/000000000026.jsonl', 26, 5],
      ['segments/000000000031.jsonl', 31, 1],
    ]);
    for (const file of [...second.segments, ...second.checkpoints, second.keys]) {
      const bytes = readFileSync(join(to, 'bundle-000002', file.path));
      expect({ path: file.path, sha256: sha256Hex(bytes), bytes: bytes.length }).toEqual({ path: file.path, sha256: file.sha256, bytes: file.bytes });
    }
    // Each segment line is one stored entry's bytes.
    const lines = readFileSync(join(to, 'bundle-000002', 'segments/000000000016.jsonl'), 'utf8').split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[5]).toBe('');
    expect(log.model().rows[16]!.bytes.toString('utf8')).toBe(lines[0]);
    expect(second.previous).toMatchObject({ index: 1, manifestSha256: sha256Hex(readFileSync(join(to, 'bundle-000001', 'manifest.json'))), size: 16 });
    expect(second.retention).toEqual({ dataClass: 'audit', mode: 'COMPLIANCE', retainDays: 2557, retainUntil: new Date(EXPORT_TIME.getTime() + 2557 * 86_400_000).toISOString() });
    const verified = await verifyChain(to, log.verifierKey);
    expect(verified.findings).toEqual([]);
    expect(verified.bundles.map((bundle) => bundle.report.findings)).toEqual([[], [], []]);
    expect(verified).toMatchObject({ ok: true, entries: 40, superseded: [] });
  });

  it('makes every file read-only and records, per file, whether the immutable attribute was set', async () => {
    const log = sealLog(join(tempDir(), 'sealed'));
    const to = destination();
    const [bundle] = (await exportLog(log, { to })).bundles;
    const report = JSON.parse(readFileSync(bundle!.reportPath!, 'utf8')) as { bundle: string; immutable: { path: string; immutable: { set: boolean; reason?: string } }[] };
    expect(report.bundle).toBe('bundle-000001');
    expect(report.immutable.map((file) => file.path).sort()).toEqual(['./', 'checkpoints/', 'checkpoints/000001.note', 'checkpoints/000002.note', 'checkpoints/000003.note', 'checkpoints/000004.note', 'checkpoints/000005.note', 'keys/', 'keys/verifier.key', 'manifest.json', 'segments/', 'segments/000000000000.jsonl'].sort());
    for (const file of report.immutable) {
      const path = join(to, 'bundle-000001', file.path);
      // What the report says is what the filesystem holds: set where permitted, a reason where not.
      expect({ path: file.path, set: file.immutable.set }).toEqual({ path: file.path, set: lsattrImmutable(path) });
      if (!file.immutable.set) expect(file.immutable.reason).toMatch(/\w/);
      if (!file.path.endsWith('/')) expect(statSync(path).mode & 0o777).toBe(0o444);
    }
  });

  it('resumes after the last bundle, and says so when there is nothing new', async () => {
    const log = sealLog(join(tempDir(), 'sealed'));
    const to = destination();
    await exportLog(log, { to, bundleMaxEntries: 16 });
    sealMore(log, 20); // checkpoints at 44, 52 and 60
    const resumed = await exportLog(log, { to, bundleMaxEntries: 16 });
    expect(resumed.resumedAfter).toEqual({ name: 'bundle-000003', index: 3, endSeq: 40 });
    expect(resumed.bundles.map((bundle) => [bundle.name, bundle.firstSeq, bundle.endSeq])).toEqual([
      ['bundle-000004', 40, 52],
      ['bundle-000005', 52, 60],
    ]);
    const again = await exportLog(log, { to, bundleMaxEntries: 16 });
    expect(again.bundles).toEqual([]);
    expect(again.chain).toEqual({ size: 60, exportedTo: 60 });
    const verified = await verifyChain(to, log.verifierKey);
    expect(verified.findings).toEqual([]);
    expect(verified).toMatchObject({ ok: true, entries: 60 });
    expect(verified.bundles.map((bundle) => bundle.report.ok)).toEqual([true, true, true, true, true]);
  });

  it('leaves no bundle behind an interrupted export, and the next export completes it', async () => {
    const log = sealLog(join(tempDir(), 'sealed'));
    const to = destination();
    await expect(exportLog(log, { to, bundleMaxEntries: 16 }, failAfter(5))).rejects.toThrow('injected failure');
    // Bundle 1 (4 files) was published; bundle 2 failed at its 2nd file, and its staging directory is gone.
    expect(readdirSync(to).filter((name) => name.startsWith('bundle-'))).toEqual(['bundle-000001']);
    const partial = await verifyChain(to, log.verifierKey);
    expect(partial).toMatchObject({ ok: true, entries: 16 });
    const resumed = await exportLog(log, { to, bundleMaxEntries: 16 });
    expect(resumed.bundles.map((bundle) => bundle.name)).toEqual(['bundle-000002', 'bundle-000003']);
    expect(readdirSync(to).sort()).toEqual(['bundle-000001', 'bundle-000002', 'bundle-000003', 'export-reports']);
    expect(await verifyChain(to, log.verifierKey)).toMatchObject({ ok: true, entries: 40 });
  });

  it('locks and reports a bundle whose export stopped between its rename and its report', async () => {
    const log = sealLog(join(tempDir(), 'sealed'));
    const to = destination();
    await exportLog(log, { to, bundleMaxEntries: 16, immutable: 'off' });
    // As if the process died right after renaming bundle 3 into place.
    rmSync(join(to, 'export-reports', 'bundle-000003.json'));
    const resumed = await exportLog(log, { to, bundleMaxEntries: 16 });
    expect(resumed.bundles).toEqual([]);
    const report = JSON.parse(readFileSync(join(to, 'export-reports', 'bundle-000003.json'), 'utf8')) as { immutable: { path: string; immutable: { set: boolean } }[] };
    expect(report.immutable.map((file) => file.path)).toEqual(expect.arrayContaining(['manifest.json', 'segments/000000000032.jsonl', 'checkpoints/000001.note', 'keys/verifier.key', './']));
    for (const file of report.immutable) expect(file.immutable.set).toBe(lsattrImmutable(join(to, 'bundle-000003', file.path)));
  });

  it('never overwrites: a bundle name taken by anything else stops the export', async () => {
    const log = sealLog(join(tempDir(), 'sealed'));
    const to = destination();
    await exportLog(log, { to, bundleMaxEntries: 16 });
    sealMore(log, 8);
    mkdirSync(join(to, 'bundle-000004'));
    writeFileSync(join(to, 'bundle-000004', 'notes.txt'), 'not a bundle\n');
    await expect(exportLog(log, { to, bundleMaxEntries: 16 })).rejects.toMatchObject({ code: 'EXPORT_BUNDLE_EXISTS' });
    expect(readFileSync(join(to, 'bundle-000004', 'notes.txt'), 'utf8')).toBe('not a bundle\n');
    expect(readdirSync(to).filter((name) => name.startsWith('.staging-'))).toEqual([]);
  });

  it('refuses a destination that holds another log', async () => {
    const log = sealLog(join(tempDir(), 'sealed'));
    const other = sealLog(join(tempDir(), 'other'));
    const to = destination();
    await exportLog(other, { to });
    await expect(exportLog(log, { to })).rejects.toMatchObject({ code: 'EXPORT_DESTINATION_FOREIGN' });
    expect(existsSync(join(to, 'bundle-000002'))).toBe(false);
  });
});
