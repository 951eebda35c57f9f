import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { KeytrailError } from '../core/errors.ts';
import { sha256Hex } from '../core/hash.ts';
import { BundleManifest, BundleVersions, type BundleObjectVersion } from '../core/schemas/bundle-manifest.ts';
import { verifyBundleChain, type ChainMember } from './bundle-chain.ts';
import type { ChainReport } from './chain-report.ts';
import type { Finding } from './findings.ts';
import { listS3Attempts, type S3Attempt } from './s3-listing.ts';
import type { VerifyOptions } from './verify-log.ts';

export interface S3ReadSettings {
  endpoint?: string;
  region?: string;
  forcePathStyle?: boolean;
  /** The auditor's own minimum: every object must be retained at least this many days after its export. */
  minRetainDays?: number;
}

const VERSIONS_OBJECT = 'versions.json';
const DAY_MS = 86_400_000;
/** S3 keeps retain-until dates to the second on some implementations. */
const RETENTION_SLACK_MS = 1_000;

/**
 * Verifies a chain of bundles in S3: each complete attempt's objects are read by the version ids its
 * versions.json recorded (so delete markers and newer versions change nothing), checked against keytrail's
 * hashes, the server's ChecksumSHA256 and the Object Lock retention the manifest's policy requires, then
 * verified from a local copy like any other chain.
 */
export async function verifyS3Chain(url: string, options: VerifyOptions & { workers?: number; s3?: S3ReadSettings }): Promise<ChainReport> {
  const { bucket, base } = parseS3Url(url);
  const settings = options.s3 ?? {};
  const client = new S3Client({ region: settings.region ?? 'us-east-1', endpoint: settings.endpoint, forcePathStyle: settings.forcePathStyle });
  const local = mkdtempSync(join(tmpdir(), 'keytrail-verify-s3-'));
  try {
    const attempts = await listS3Attempts(client, bucket, base);
    if (attempts.length === 0) throw new KeytrailError('VERIFY_SOURCE_UNREADABLE', `${url} holds no bundles`);
    const members: ChainMember[] = [];
    for (const attempt of attempts) members.push(await fetchAttempt(client, bucket, base, attempt, join(local, attempt.name), settings));
    return await verifyBundleChain(members, options, url);
  } finally {
    client.destroy();
    rmSync(local, { recursive: true, force: true });
  }
}

function parseS3Url(url: string): { bucket: string; base: string } {
  const rest = url.slice('s3://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const prefix = slash < 0 ? '' : rest.slice(slash + 1).replace(/\/+$/, '');
  if (bucket === '') throw new KeytrailError('VERIFY_SOURCE_UNREADABLE', `${url} names no bucket`);
  return { bucket, base: prefix === '' ? '' : `${prefix}/` };
}

async function fetchAttempt(client: S3Client, bucket: string, base: string, attempt: S3Attempt, dir: string, settings: S3ReadSettings): Promise<ChainMember> {
  const extra: Finding[] = [];
  const final = attempt.keys.get(VERSIONS_OBJECT);
  const original = final?.versions[0];
  if (final === undefined || original === undefined) return { name: attempt.name, dir: null, extra };
  const read = async (key: string, versionId: string): Promise<{ body: Buffer; checksum?: string; mode?: string; retainUntil?: Date }> => {
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId, ChecksumMode: 'ENABLED' }));
    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
    return { body: Buffer.from(await got.Body!.transformToByteArray()), checksum: head.ChecksumSHA256, mode: head.ObjectLockMode, retainUntil: head.ObjectLockRetainUntilDate };
  };
  const versionsKey = `${base}${attempt.name}/${VERSIONS_OBJECT}`;
  let versions: BundleVersions;
  let finalObject: Awaited<ReturnType<typeof read>>;
  try {
    finalObject = await read(versionsKey, original.versionId);
    versions = BundleVersions.parse(JSON.parse(finalObject.body.toString('utf8')));
  } catch (error) {
    return { name: attempt.name, dir: null, extra: [{ code: 'VERIFY_BUNDLE_MANIFEST_MALFORMED', where: `${attempt.name}/${VERSIONS_OBJECT}`, message: `versions.json is not a keytrail versions object: ${(error as Error).message}` }] };
  }
  const objects = [...versions.objects, versions.manifest];
  let manifest: BundleManifest | null = null;
  const retained: { where: string; mode?: string; retainUntil?: Date }[] = [{ where: `${attempt.name}/${VERSIONS_OBJECT}`, mode: finalObject.mode, retainUntil: finalObject.retainUntil }];
  for (const object of objects) {
    const where = `${attempt.name}/${object.path}`;
    const fetched = await read(object.key, object.versionId).catch((error: Error) => {
      extra.push({ code: 'VERIFY_BUNDLE_TRUNCATED', where, message: `version ${object.versionId} cannot be read: ${error.message}` });
      return null;
    });
    if (fetched === null) continue;
    checkObject(object, fetched, where, extra);
    retained.push({ where, mode: fetched.mode, retainUntil: fetched.retainUntil });
    mkdirSync(dirname(join(dir, object.path)), { recursive: true });
    writeFileSync(join(dir, object.path), fetched.body);
    if (object === versions.manifest) manifest = parseManifest(fetched.body);
  }
  checkState(attempt, versions, extra);
  if (manifest !== null) checkRetention(manifest, retained, settings, extra);
  return { name: attempt.name, dir, extra };
}

/** keytrail's SHA-256 (recorded in versions.json) against the bytes read and the server's own ChecksumSHA256. */
function checkObject(object: BundleObjectVersion, fetched: { body: Buffer; checksum?: string }, where: string, extra: Finding[]): void {
  const actual = sha256Hex(fetched.body);
  if (actual !== object.sha256) extra.push({ code: 'VERIFY_BUNDLE_FILE_HASH', where, message: `version ${object.versionId} is not the object versions.json recorded`, expected: object.sha256, actual });
  const server = fetched.checksum === undefined ? undefined : Buffer.from(fetched.checksum, 'base64').toString('hex');
  if (server !== undefined && server !== object.sha256) extra.push({ code: 'VERIFY_BUNDLE_FILE_HASH', where, message: 'the ChecksumSHA256 S3 keeps for this version is not keytrail\'s hash', expected: object.sha256, actual: server });
}

/** Delete markers and newer versions over recorded versions, and keys versions.json does not know. */
function checkState(attempt: S3Attempt, versions: BundleVersions, extra: Finding[]): void {
  const recorded = new Map([...versions.objects, versions.manifest].map((object) => [object.path, object.versionId]));
  const original = attempt.keys.get(VERSIONS_OBJECT)!.versions[0]!.versionId;
  recorded.set(VERSIONS_OBJECT, original);
  for (const [path, history] of attempt.keys) {
    const where = `${attempt.name}/${path}`;
    const versionId = recorded.get(path);
    if (versionId === undefined) {
      extra.push({ code: 'VERIFY_BUNDLE_FILE_UNLISTED', where, message: 'an object under the bundle that versions.json does not list (added after export)' });
    } else if (history.latest !== versionId) {
      const now = history.latest === 'delete-marker' ? 'a delete marker hides it' : `a newer version ${history.latest} covers it`;
      extra.push({ code: 'VERIFY_BUNDLE_OBJECT_HIDDEN', where, message: `${now}; the locked version ${versionId} was read by its id and verified`, expected: versionId, actual: String(history.latest) });
    }
  }
}

/** Every object must be locked in the manifest's mode until at least its retain-until (and the auditor's minimum). */
function checkRetention(manifest: BundleManifest, objects: readonly { where: string; mode?: string; retainUntil?: Date }[], settings: S3ReadSettings, extra: Finding[]): void {
  const required = Math.max(Date.parse(manifest.retention.retainUntil), settings.minRetainDays === undefined ? 0 : Date.parse(manifest.exportedAt) + settings.minRetainDays * DAY_MS);
  for (const object of objects) {
    const until = object.retainUntil?.getTime();
    const weaker = manifest.retention.mode === 'COMPLIANCE' && object.mode !== 'COMPLIANCE';
    if (until === undefined || until + RETENTION_SLACK_MS < required || weaker || object.mode === undefined) {
      extra.push({
        code: 'VERIFY_RETENTION_SHORT',
        where: object.where,
        message: `the object is retained ${object.mode === undefined ? 'without Object Lock' : `in ${object.mode} mode until ${object.retainUntil?.toISOString() ?? 'no date'}`}, short of the ${manifest.retention.dataClass} policy (${manifest.retention.mode}, ${manifest.retention.retainDays} days${settings.minRetainDays === undefined ? '' : `, auditor minimum ${settings.minRetainDays} days`})`,
        expected: `${manifest.retention.mode} until ≥ ${new Date(required).toISOString()}`,
        actual: `${object.mode ?? 'none'} until ${object.retainUntil?.toISOString() ?? 'none'}`,
      });
    }
  }
}

/** The manifest for the retention check; an unreadable one is reported by the bundle's own verification. */
function parseManifest(bytes: Buffer): BundleManifest | null {
  try {
    return BundleManifest.safeParse(JSON.parse(bytes.toString('utf8'))).data ?? null;
  } catch {
    return null;
  }
}
