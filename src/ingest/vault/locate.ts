import type { VaultAuditEntry } from './entry.ts';

export interface TransitLocation {
  /** `ns1/` or `ns1/team-a/`; empty in the root namespace. */
  namespacePath: string;
  /** The transit mount, with its trailing slash: `transit/`, `kms/`. */
  mountPoint: string;
  /** The request path below the mount: `encrypt/orders`. */
  relativePath: string;
}

/**
 * Where a request landed, or null when it is not on a transit mount. Vault logs `mount_type` and
 * `mount_point` relative to the request's namespace; entries of old versions without them are recognised
 * on the default `transit/` mount only.
 */
export function locateTransit(entry: VaultAuditEntry): TransitLocation | null {
  const request = entry.request;
  const namespacePath = normaliseNamespace(request.namespace?.path ?? null);
  const path = stripPrefix(request.path, namespacePath);
  if (request.mount_type !== null && request.mount_type !== 'transit') return null;
  let mountPoint = request.mount_point === null ? null : stripPrefix(request.mount_point, namespacePath);
  if (request.mount_type === null && mountPoint === null && !path.startsWith('transit/')) return null;
  if (mountPoint === null || !path.startsWith(mountPoint)) mountPoint = `${path.split('/')[0]}/`;
  return { namespacePath, mountPoint, relativePath: path.slice(mountPoint.length) };
}

function normaliseNamespace(path: string | null): string {
  if (path === null || path === '' || path === 'root') return '';
  return path.endsWith('/') ? path : `${path}/`;
}

function stripPrefix(path: string, prefix: string): string {
  return prefix !== '' && path.startsWith(prefix) ? path.slice(prefix.length) : path;
}
