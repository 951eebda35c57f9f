import { GetObjectCommand, GetObjectLockConfigurationCommand, ListObjectVersionsCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { KeytrailError, toKeytrailError } from '../core/errors.ts';
import { sha256Hex } from '../core/hash.ts';
import { BUNDLE_NAME, BundleManifest, bundleName, BundleVersions, MANIFEST_PATH, type BundleObjectVersion } from '../core/schemas/bundle-manifest.ts';
import type { BundleReceipt, BundleSink, BundleWriter, PublishedBundle } from './sink.ts';

export const VERSIONS_OBJECT = 'versions.json';

interface Attempt {
  name: string;
  index: number;
  attempt: number;
  /** Version id of versions.json, when the attempt completed (delete markers do not count). */
  versionsId: string | null;
}

/**
 * An S3 prefix in a bucket with Object Lock. Every object is put once (If-None-Match: *), with keytrail's
 * SHA-256 as ChecksumSHA256 and the retention of the bundle's data class; versions.json, put last, records
 * the version id of every object and marks the bundle complete. Locked objects of an interrupted attempt
 * cannot be removed, so a retry writes a new attempt name (`bundle-000007.2`) and the old one stays,
 * incomplete, for verify to list.
 */
export function createS3Sink(client: S3Client, bucket: string, prefix: string): BundleSink {
  const base = prefix === '' ? '' : `${prefix}/`;
  const url = `s3://${bucket}/${base}`;
  let attempts: Attempt[] | undefined;
  return {
    description: url,
    async lastBundle() {
      await requireObjectLock(client, bucket);
      attempts = await listAttempts(client, bucket, base);
      const complete = attempts.filter((attempt) => attempt.versionsId !== null).sort((a, b) => b.index - a.index);
      const newest = complete[0];
      return newest === undefined ? null : readPublished(client, bucket, base, newest);
    },
    async open(index, objectLock) {
      attempts ??= await listAttempts(client, bucket, base);
      const tried = attempts.filter((attempt) => attempt.index === index).map((attempt) => attempt.attempt);
      const name = bundleName(index, Math.max(0, ...tried) + 1);
      const stored: BundleObjectVersion[] = [];
      const put = async (path: string, data: Buffer, sha256: string): Promise<BundleObjectVersion> => {
        const key = `${base}${name}/${path}`;
        const checksum = Buffer.from(sha256, 'hex').toString('base64');
        const response = await client
          .send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: data, ContentLength: data.length, ChecksumAlgorithm: 'SHA256', ChecksumSHA256: checksum, ObjectLockMode: objectLock.mode, ObjectLockRetainUntilDate: objectLock.retainUntil, IfNoneMatch: '*' }))
          .catch((error: { name?: string }) => {
            if (error.name === 'PreconditionFailed') throw new KeytrailError('EXPORT_BUNDLE_EXISTS', `${url}${name}/${path} already exists; export never overwrites an object`, { cause: error });
            throw toKeytrailError(error, 'EXPORT_S3_FAILED', `putting ${key}`);
          });
        if (response.ChecksumSHA256 !== undefined && response.ChecksumSHA256 !== checksum) {
          throw new KeytrailError('EXPORT_S3_CHECKSUM_MISMATCH', `S3 stored ${key} with SHA-256 ${response.ChecksumSHA256}, keytrail computed ${checksum}`);
        }
        if (response.VersionId === undefined) throw new KeytrailError('EXPORT_S3_OBJECT_LOCK_MISSING', `S3 returned no version id for ${key}: the bucket is not versioned, so it cannot hold locked objects`);
        return { path, key, versionId: response.VersionId, sha256, bytes: data.length };
      };
      const writer: BundleWriter = {
        name,
        async put(path, data, sha256) {
          stored.push(await put(path, data, sha256));
        },
        async publish(manifest, manifestSha256) {
          const manifestVersion = await put(MANIFEST_PATH, manifest, manifestSha256);
          const retainUntil = objectLock.retainUntil.toISOString();
          const versions: BundleVersions = { v: 1, type: 'keytrail-bundle-versions', index, manifest: manifestVersion, objects: stored, retention: { mode: objectLock.mode, retainUntil } };
          const bytes = Buffer.from(`${JSON.stringify(versions, null, 2)}\n`);
          const final = await put(VERSIONS_OBJECT, bytes, sha256Hex(bytes));
          const files = [...stored, manifestVersion, final].map((object) => ({ path: object.path, key: object.key, versionId: object.versionId }));
          return { name, location: `${url}${name}/`, files, objectLock: { mode: objectLock.mode, retainUntil } } satisfies BundleReceipt;
        },
        async abort() {
          // Locked objects stay; without versions.json the attempt is never taken for a bundle.
        },
      };
      return writer;
    },
  };
}

async function requireObjectLock(client: S3Client, bucket: string): Promise<void> {
  const config = await client.send(new GetObjectLockConfigurationCommand({ Bucket: bucket })).catch((error: { name?: string }) => {
    if (error.name === 'ObjectLockConfigurationNotFoundError') return undefined;
    throw toKeytrailError(error, 'EXPORT_S3_FAILED', `reading the Object Lock configuration of ${bucket}`);
  });
  if (config?.ObjectLockConfiguration?.ObjectLockEnabled !== 'Enabled') {
    throw new KeytrailError('EXPORT_S3_OBJECT_LOCK_MISSING', `bucket ${bucket} does not have Object Lock enabled; create it with Object Lock (it also turns versioning on)`);
  }
}

/** Every attempt under the prefix, from all object versions (a delete marker does not hide a bundle from export). */
async function listAttempts(client: S3Client, bucket: string, base: string): Promise<Attempt[]> {
  const byName = new Map<string, Attempt>();
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  do {
    const page = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: base, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker })).catch((error) => {
      throw toKeytrailError(error, 'EXPORT_S3_FAILED', `listing s3://${bucket}/${base}`);
    });
    for (const version of page.Versions ?? []) {
      const [name, ...rest] = (version.Key ?? '').slice(base.length).split('/');
      const match = BUNDLE_NAME.exec(name ?? '');
      if (match === null) continue;
      const attempt = byName.get(name!) ?? { name: name!, index: Number(match[1]), attempt: match[2] === undefined ? 1 : Number(match[2]), versionsId: null };
      if (rest.join('/') === VERSIONS_OBJECT && attempt.versionsId === null) attempt.versionsId = version.VersionId ?? null;
      byName.set(name!, attempt);
    }
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    versionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
  } while (keyMarker !== undefined);
  return [...byName.values()];
}

async function readPublished(client: S3Client, bucket: string, base: string, attempt: Attempt): Promise<PublishedBundle> {
  const read = async (key: string, versionId?: string): Promise<Buffer> => {
    const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId })).catch((error) => {
      throw toKeytrailError(error, 'EXPORT_S3_FAILED', `reading s3://${bucket}/${key}`);
    });
    return Buffer.from(await response.Body!.transformToByteArray());
  };
  try {
    const versions = BundleVersions.parse(JSON.parse((await read(`${base}${attempt.name}/${VERSIONS_OBJECT}`, attempt.versionsId!)).toString('utf8')));
    const manifestBytes = await read(versions.manifest.key, versions.manifest.versionId);
    const manifest = BundleManifest.parse(JSON.parse(manifestBytes.toString('utf8')));
    const closing = versions.objects.find((object) => object.path === manifest.closingCheckpoint.path);
    if (closing === undefined) throw new Error(`versions.json does not list ${manifest.closingCheckpoint.path}`);
    return { name: attempt.name, manifest, manifestSha256: sha256Hex(manifestBytes), closingNote: (await read(closing.key, closing.versionId)).toString('utf8') };
  } catch (error) {
    if (error instanceof KeytrailError) throw error;
    throw new KeytrailError('EXPORT_DESTINATION_FOREIGN', `s3://${bucket}/${base}${attempt.name} is not a readable keytrail bundle (${(error as Error).message}); run keytrail verify on the destination`, { cause: error });
  }
}
