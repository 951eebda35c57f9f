import { resolve } from 'node:path';
import { KeytrailError } from '../core/errors.ts';

export type Destination = { kind: 'local'; dir: string } | { kind: 's3'; bucket: string; prefix: string };

/** `s3://bucket/some/prefix` (prefix may be empty) or a local directory path. */
export function parseDestination(to: string): Destination {
  if (!to.startsWith('s3://')) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(to)) throw new KeytrailError('EXPORT_DESTINATION_INVALID', `${to}: only local directories and s3:// destinations are supported`);
    return { kind: 'local', dir: resolve(to) };
  }
  const rest = to.slice('s3://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const prefix = slash < 0 ? '' : rest.slice(slash + 1).replace(/\/+$/, '');
  // S3 bucket naming rules: 3–63 lowercase letters, digits, dots and hyphens.
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new KeytrailError('EXPORT_DESTINATION_INVALID', `${to}: ${JSON.stringify(bucket)} is not an S3 bucket name`);
  return { kind: 's3', bucket, prefix };
}
