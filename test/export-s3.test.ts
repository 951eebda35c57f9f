import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, PutObjectRetentionCommand, type S3Client } from '@aws-sdk/client-s3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { sha256Hex } from '../src/core/hash.ts';
import { BundleVersions, type BundleManifest } from '../src/core/schemas/bundle-manifest.ts';
import type { ChainReport } from '../src/verify/chain-report.ts';
import { verifyPath } from '../src/verify/data-dir.ts';
import { S3_TEST_ENV } from './setup/moto-server.ts';
import { runCli } from './helpers/cli.ts';
import { createBucket, EXPORT_TIME, exportLog, failAfter, s3Client, s3Config, sealMore } from './helpers/export-env.ts';
import { sealLog, type SealedLog } from './helpers/sealed-log.ts';
import { useTempDirs } from './helpers/temp-dir.ts';

const endpoint = inject('s3Endpoint');
const tempDir = useTempDirs();
let client: S3Client;

beforeAll(() => {
  client = s3Client(endpoint);
});

async function readObject(bucket: string, key: string, versionId?: string): Promise<Buffer> {
  const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
  return Buffer.from(await response.Body!.transformToByteArray());
}

async function versionsOf(bucket: string, bundle: string): Promise<BundleVersions> {
  return BundleVersions.parse(JSON.parse((await readObject(bucket, `audit/${bundle}/versions.json`)).toString('utf8')));
}

async function verifyS3(bucket: string, log: SealedLog, extra: { minRetainDays?: number } = {}): Promise<ChainReport> {
  const previous = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  process.env.AWS_ACCESS_KEY_ID = S3_TEST_ENV.AWS_ACCESS_KEY_ID;
  process.env.AWS_SECRET_ACCESS_KEY = S3_TEST_ENV.AWS_SECRET_ACCESS_KEY;
  try {
    const report = await verifyPath(`s3://${bucket}/audit`, { workers: 0, trustedKeys: [log.verifierKey], s3: { endpoint, forcePathStyle: true, ...extra } });
    if (report.kind !== 'bundle-chain') throw new Error('expected a chain report');
    return report;
  } finally {
    if (previous.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
    else process.env.AWS_ACCESS_KEY_ID = previous.id;
    if (previous.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
    else process.env.AWS_SECRET_ACCESS_KEY = previous.secret;
  }
}

const allFindings = (report: ChainReport) => [...report.findings, ...report.bundles.flatMap((bundle) => bundle.report.findings)];

describe('keytrail export to S3 with Object Lock (moto server)', () => {
  it('puts every object once, locked for the policy, with keytrail\'s SHA-256 as ChecksumSHA256, and records their versions', async () => {
    const log = sealLog(join(tempDir(), 'sealed'));
    const bucket = await createBucket(client);
    const report = await exportLog(log, s3Config(endpoint, `s3://${bucket}/audit`, { bundleMaxEntries: 16, retention: { audit: { mode: 'COMPLIANCE', retainDays: 2557 } } }));
    expect(report.bundles.map((bundle) => [bundle.name, bundle.firstSeq, bundle.endSeq, bundle.location])).toEqual([
      ['bundle-000001', 0, 16, `s3://${bucket}/audit/bundle-000001/`],
      ['bundle-000002', 16, 32, `s3://${bucket}/audit/bundle-000002/`],
      ['bundle-000003', 32, 40, `s3://${bucket}/audit/bundle-000003/`],
    ]);
    const retainUntil = new Date(EXPORT_TIME.getTime() + 2557 * 86_400_000);
    const versions = await versionsOf(bucket, 'bundle-000002');
    expect(versions.retention).toEqual({ mode: 'COMPLIANCE', retainUntil: retainUntil.toISOString() });
    const manifest = JSON.parse((await readObject(bucket, versions.manifest.key, versions.manifest.versionId)).toString('utf8')) as BundleManifest;
    expect(versions.objects.map((object) => object.path)).toEqual([...manifest.segments, ...manifest.checkpoints, manifest.keys].map((file) => file.path));
    for (const object of [...versions.objects, versions.manifest]) {
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: object.key, VersionId: object.versionId, ChecksumMode: 'ENABLED' }));
      const body = await readObject(bucket, object.key, object.versionId);
      expect({ path: object.path, sha256: sha256Hex(body), checksum: head.ChecksumSHA256, mode: head.ObjectLockMode, until: head.ObjectLockRetainUntilDate?.getTime() }).toEqual({
        path: object.path,
        sha256: object.sha256,
        checksum: Buffer.from(object.sha256, 'hex').toString('base64'),
        mode: 'COMPLIANCE',
        until: retainUntil.getTime(),
      });
    }
    const verified = await verifyS3(bucket, log);
    expect(allFindings(verified)).toEqual([]);
    expect(verified).toMatchObject({ ok: true, entries: 40, superseded: [] });
  });

  it('cannot delete or overwrite a locked version: S3 refuses, and the bundle still verifies', async () => {
    const log = sealLog(join(tempDir(), 'sealed'));
    const bucket = await createBucket(client);
    await exportLog(log, s3Config(endpoint, `s3://${bucket}/audit`));
    const segment = (await versionsOf(bucket, 'bundle-000001')).objects[0]!;
    await expect(client.send(new DeleteObjectCommand({ Bucket: bucket, Key: segment.key, VersionId: segment.versionId }))).rejects.toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    await expect(client.send(new DeleteObjectCommand({ Bucket: bucket, Key: segment.key, VersionId: segment.versionId, BypassGovernanceRetention: true }))).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(client.send(new PutObjectCommand({ Bucket: bucket, Key: segment.key, Body: 'forged\n', IfNoneMatch: '*' }))).rejects.toMatchObject({ name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } });
    expect(sha256Hex(await readObject(bucket, segment.key, segment.versionId))).toBe(segment.sha256);
    expect(await verifyS3(bucket, log)).toMatchObject({ ok: true, entries: 40 });
  });

  it('reads a locked version hidden by a delete marker (or a newer version) by its id, verifies it and reports the marker', async () => {
    const log = sealLog(join(tempDir(), 'sealed'));
    const bucket = await createBucket(client);
    await exportLog(log, s3Config(endpoint, `s3://${bucket}/audit`));
    const versions = await versionsOf(bucket, 'bundle-000001');
    const [segment, checkpoint] = versions.objects;
    const marker = await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: segment!.key }));
    expect(marker.DeleteMarker).toBe(true);
    await expect(client.send(new GetObjectCommand({ Bucket: bucket, Key: segment!.key }))).rejects.toMatchObject({ name: 'NoSuchKey' });
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: checkpoint!.key, Body: 'forged\n' }));
    const report = await verifyS3(bucket, log);
    expect(report.ok).toBe(false);
    expect(report.bundles[0]!.report.findings.map((finding) => [finding.code, finding.where, finding.expected])).toEqual([
      ['VERIFY_BUNDLE_OBJECT_HIDDEN', 'bundle-000001/checkpoints/000001.note', checkpoint!.versionId],
      ['VERIFY_BUNDLE_OBJECT_HIDDEN', 'bundle-000001/segments/000000000000.jsonl', segment!.versionId],
    ]);
    // Every entry and checkpoint was still checked: 40 entries under the signed closing checkpoint.
    expect(report.bundles[0]!.report).toMatchObject({ entries: 40, checkpoints: { verified: 5 } });
  });

  it('reports retention shorter than the policy, and shorter than the auditor\'s minimum', async () => {
    const log = sealLog(join(tempDir(), 'sealed'));
    const bucket = await createBucket(client);
    await exportLog(log, s3Config(endpoint, `s3://${bucket}/audit`, { dataClass: 'pci', retention: { pci: { mode: 'GOVERNANCE', retainDays: 2557 } } }));
    expect(await verifyS3(bucket, log)).toMatchObject({ ok: true });
    const auditor = await verifyS3(bucket, log, { minRetainDays: 3650 });
    // Every object: a segment, five checkpoints, the key, the manifest and versions.json.
    expect(allFindings(auditor).map((finding) => finding.code)).toEqual(Array(9).fill('VERIFY_RETENTION_SHORT'));
    // GOVERNANCE lets a caller with s3:BypassGovernanceRetention shorten it.
    const versions = await versionsOf(bucket, 'bundle-000001');
    const segment = versions.objects[0]!;
    await client.send(new PutObjectRetentionCommand({ Bucket: bucket, Key: segment.key, VersionId: segment.versionId, BypassGovernanceRetention: true, Retention: { Mode: 'GOVERNANCE', RetainUntilDate: new Date(EXPORT_TIME.getTime() + 30 * 86_400_000) } }));
    const shortened = await verifyS3(bucket, log);
    expect(allFindings(shortened).map((finding) => [finding.code, finding.where])).toEqual([['VERIFY_RETENTION_SHORT', 'bundle-000001/segments/000000000000.jsonl']]);
    expect(allFindings(shortened)[0]!.actual).toBe(`GOVERNANCE until ${new Date(EXPORT_TIME.getTime() + 30 * 86_400_000).toISOString()}`);
  });

  it('resumes an interrupted export under a new attempt name; the locked half-bundle is listed as superseded', async () => {
    const log = sealLog(join(tempDir(), 'sealed'));
    const bucket = await createBucket(client);
    const config = s3Config(endpoint, `s3://${bucket}/audit`, { bundleMaxEntries: 16 });
    await expect(exportLog(log, config, failAfter(6))).rejects.toThrow('injected failure');
    const interrupted = await verifyS3(bucket, log);
    expect(interrupted.ok).toBe(false);
    expect(allFindings(interrupted).map((finding) => [finding.code, finding.where])).toEqual([['VERIFY_BUNDLE_INCOMPLETE', 'bundle-000002']]);
    const resumed = await exportLog(log, config);
    expect(resumed.bundles.map((bundle) => bundle.name)).toEqual(['bundle-000002.2', 'bundle-000003']);
    sealMore(log, 8);
    expect((await exportLog(log, config)).bundles.map((bundle) => bundle.name)).toEqual(['bundle-000004']);
    const report = await verifyS3(bucket, log);
    expect(allFindings(report)).toEqual([]);
    expect(report).toMatchObject({ ok: true, entries: 48, superseded: ['bundle-000002'] });
  });

  it('reports a bundle removed by someone allowed to bypass GOVERNANCE retention as missing', async () => {
    const log = sealLog(join(tempDir(), 'sealed'));
    const bucket = await createBucket(client);
    await exportLog(log, s3Config(endpoint, `s3://${bucket}/audit`, { bundleMaxEntries: 16, retention: { audit: { mode: 'GOVERNANCE', retainDays: 365 } } }));
    const versions = await versionsOf(bucket, 'bundle-000002');
    const finalVersion = (await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'audit/bundle-000002/versions.json' }))).VersionId!;
    for (const object of [...versions.objects, versions.manifest, { key: 'audit/bundle-000002/versions.json', versionId: finalVersion }]) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: object.key, VersionId: object.versionId, BypassGovernanceRetention: true }));
    }
    const report = await verifyS3(bucket, log);
    expect(report.ok).toBe(false);
    expect(report.bundles.map((bundle) => bundle.name)).toEqual(['bundle-000001', 'bundle-000003']);
    expect(report.findings.map((finding) => [finding.code, finding.where, finding.expected, finding.actual])).toEqual([['VERIFY_BUNDLE_MISSING', 'bundle-000003', 'bundle 2 from seq 16', 'bundle 3 from seq 32']]);
  });

  it('refuses a bucket without Object Lock', async () => {
    const log = sealLog(join(tempDir(), 'sealed'));
    const bucket = await createBucket(client, false);
    await expect(exportLog(log, s3Config(endpoint, `s3://${bucket}/audit`))).rejects.toMatchObject({ code: 'EXPORT_S3_OBJECT_LOCK_MISSING' });
  });

  it('exports and verifies through the CLI', async () => {
    const log = sealLog(join(tempDir(), 'sealed'));
    const bucket = await createBucket(client);
    const keyFile = join(tempDir(), 'verifier.key');
    writeFileSync(keyFile, `${log.verifierKey}\n`);
    const s3Flags = ['--s3-endpoint', endpoint, '--s3-force-path-style'];
    const exported = runCli(['export', '--data-dir', log.dataDir, '--to', `s3://${bucket}/audit`, ...s3Flags], S3_TEST_ENV);
    expect(exported.stderr).toBe('');
    expect(exported.status).toBe(0);
    expect(exported.stdout).toMatch(/bundle-000001 {2}seq 0–39 \(40 entries, \d+ bytes\) {2}s3:\/\//);
    expect(exported.stdout).toContain('Object Lock COMPLIANCE until');
    const verified = runCli(['verify', `s3://${bucket}/audit`, '--key', keyFile, ...s3Flags], S3_TEST_ENV);
    expect(verified.stdout).toContain('OK: 1 bundles, 40 entries verified');
    expect(verified.status).toBe(0);
  });
});
