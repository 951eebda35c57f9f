import { ListObjectVersionsCommand, type S3Client } from '@aws-sdk/client-s3';
import { KeytrailError } from '../core/errors.ts';
import { BUNDLE_NAME } from '../core/schemas/bundle-manifest.ts';

export interface KeyHistory {
  /** Object versions, oldest first (delete markers are not versions of content). */
  versions: { versionId: string; size: number }[];
  /** What a plain GET returns now: a version id, or 'delete-marker'. */
  latest: string | 'delete-marker' | null;
}

export interface S3Attempt {
  name: string;
  /** Every key under the attempt, by its path inside the bundle. */
  keys: Map<string, KeyHistory>;
}

/**
 * Every export attempt under the prefix, from ListObjectVersions: object versions and delete markers
 * alike, so a bundle hidden by a delete marker is still found and read by its version id.
 */
export async function listS3Attempts(client: S3Client, bucket: string, base: string): Promise<S3Attempt[]> {
  const attempts = new Map<string, S3Attempt>();
  const keyOf = (key: string): { attempt: S3Attempt; path: string } | null => {
    const [name, ...rest] = key.slice(base.length).split('/');
    if (name === undefined || !BUNDLE_NAME.test(name) || rest.length === 0) return null;
    const attempt = attempts.get(name) ?? { name, keys: new Map() };
    attempts.set(name, attempt);
    return { attempt, path: rest.join('/') };
  };
  const history = (attempt: S3Attempt, path: string): KeyHistory => {
    const found = attempt.keys.get(path) ?? { versions: [], latest: null };
    attempt.keys.set(path, found);
    return found;
  };
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  do {
    const page = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: base, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker })).catch((error: Error) => {
      throw new KeytrailError('VERIFY_SOURCE_UNREADABLE', `cannot list s3://${bucket}/${base}: ${error.message}`, { cause: error });
    });
    for (const version of page.Versions ?? []) {
      const at = keyOf(version.Key ?? '');
      if (at === null) continue;
      const keyHistory = history(at.attempt, at.path);
      keyHistory.versions.push({ versionId: version.VersionId!, size: version.Size ?? 0 });
      if (version.IsLatest === true) keyHistory.latest = version.VersionId!;
    }
    for (const marker of page.DeleteMarkers ?? []) {
      const at = keyOf(marker.Key ?? '');
      if (at !== null && marker.IsLatest === true) history(at.attempt, at.path).latest = 'delete-marker';
    }
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    versionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
  } while (keyMarker !== undefined);
  for (const attempt of attempts.values()) {
    // S3 lists the versions of a key newest first.
    for (const keyHistory of attempt.keys.values()) keyHistory.versions.reverse();
  }
  return [...attempts.values()].sort((a, b) => a.name.localeCompare(b.name));
}
