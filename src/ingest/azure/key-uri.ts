/**
 * Key Vault key identifiers (Key Vault REST "Object identifiers"): `https://{vault}.vault.azure.net/keys/{name}/{version}`,
 * also on Managed HSM (`{hsm}.managedhsm.azure.net`) and sovereign clouds. The version is 32 hex
 * digits; a third path segment that is not a version is an action (`/keys/k/rotate`, `/keys/k/create`).
 * Keys are always identified by their `/keys/{name}` form.
 */
export interface AzureKeyRef {
  keyId: string;
  keyVersion: string | null;
}

const VERSION = /^[0-9a-f]{32}$/i;

export function parseKeyUri(uri: string | undefined): AzureKeyRef | undefined {
  if (uri === undefined || uri === '') return undefined;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  const segments = url.pathname.split('/').filter((segment) => segment !== '');
  // Deleted keys (KeyGetDeleted, KeyRecover, KeyPurge) are addressed under /deletedkeys/{name}.
  const collection = segments[0]?.toLowerCase();
  if ((collection !== 'keys' && collection !== 'deletedkeys') || segments[1] === undefined) return undefined;
  const version = segments[2] !== undefined && VERSION.test(segments[2]) ? segments[2].toLowerCase() : null;
  return { keyId: `${url.origin}/keys/${segments[1]}`, keyVersion: version };
}

/** `/subscriptions/{id}/...` (any case) → the subscription id, lowercased. */
export function subscriptionOf(resourceId: string | undefined): string | null {
  const match = /\/subscriptions\/([^/]+)/i.exec(resourceId ?? '');
  return match === null ? null : match[1]!.toLowerCase();
}
