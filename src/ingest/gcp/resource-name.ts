/**
 * Cloud KMS resource names (googleapis google/cloud/kms/v1/resources.proto patterns):
 * `projects/P/locations/L/keyRings/R/cryptoKeys/K[/cryptoKeyVersions/N]`, and other resources under a
 * location (`keyRings/R`, `keyRings/R/importJobs/J`, `keyHandles/H`, `ekmConnections/E`).
 */
export interface KmsResourceName {
  project: string | null;
  location: string | null;
  /** The CryptoKey name when the resource is a key or one of its versions; otherwise the resource itself. */
  keyId: string | null;
  keyVersion: string | null;
  /** True when the name is a CryptoKey or a CryptoKeyVersion. */
  isCryptoKey: boolean;
}

const KEY = /^(projects\/([^/]+)\/locations\/([^/]+)\/keyRings\/[^/]+\/cryptoKeys\/[^/]+)(?:\/cryptoKeyVersions\/([^/]+))?(?:\/.*)?$/;
const LOCATED = /^projects\/([^/]+)\/locations\/([^/]+)(?:\/.*)?$/;
const PROJECT = /^projects\/([^/]+)(?:\/.*)?$/;

export function parseKmsResourceName(name: string | undefined): KmsResourceName {
  if (name === undefined || name === '') return { project: null, location: null, keyId: null, keyVersion: null, isCryptoKey: false };
  const trimmed = name.startsWith('//cloudkms.googleapis.com/') ? name.slice('//cloudkms.googleapis.com/'.length) : name;
  const key = KEY.exec(trimmed);
  if (key !== null) return { project: key[2]!, location: key[3]!, keyId: key[1]!, keyVersion: key[4] ?? null, isCryptoKey: true };
  const located = LOCATED.exec(trimmed);
  if (located !== null) return { project: located[1]!, location: located[2]!, keyId: trimmed, keyVersion: null, isCryptoKey: false };
  const project = PROJECT.exec(trimmed);
  return { project: project?.[1] ?? null, location: null, keyId: trimmed, keyVersion: null, isCryptoKey: false };
}

/** The project (or organization/folder/billing account) a logName belongs to: `projects/P/logs/...`. */
export function logParent(logName: string): string | null {
  const match = /^((?:projects|organizations|folders|billingAccounts)\/[^/]+)\/logs\//.exec(logName);
  if (match === null) return null;
  return match[1]!.startsWith('projects/') ? match[1]!.slice('projects/'.length) : match[1]!;
}
