import type { KmsEvent } from '../../core/schemas/kms-event.ts';

/**
 * Entra ID token claims as Key Vault logs them. Newer records use short names (`oid`, `upn`, `appid`,
 * `idtyp`); older ones the URI claim types (`http://schemas.microsoft.com/identity/claims/objectidentifier`).
 * AzureDiagnostics flattens them into columns with non-alphanumerics collapsed to `_` and a type suffix
 * (`identity_claim_http_schemas_microsoft_com_identity_claims_objectidentifier_g`). Every form is
 * reduced to the same canonical key before lookup.
 */
const CANONICAL: Readonly<Record<string, string>> = {
  oid: 'oid',
  http_schemas_microsoft_com_identity_claims_objectidentifier: 'oid',
  upn: 'upn',
  http_schemas_xmlsoap_org_ws_2005_05_identity_claims_upn: 'upn',
  appid: 'appid',
  idtyp: 'idtyp',
  tid: 'tid',
  http_schemas_microsoft_com_identity_claims_tenantid: 'tid',
  xms_mirid: 'xms_mirid',
};

export type Claims = Partial<Record<'oid' | 'upn' | 'appid' | 'idtyp' | 'tid' | 'xms_mirid', string>>;

export function canonicalClaimName(name: string): string {
  const flat = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
  return Object.hasOwn(CANONICAL, flat) ? CANONICAL[flat]! : flat;
}

/** Claims from a claim map (`identity.claim` of resource-log JSON, `Identity.claim` of AZKVAuditLogs). */
export function claimsFromMap(map: Record<string, unknown> | undefined): Claims {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(map ?? {})) {
    if (typeof value === 'string' && value !== '') claims[canonicalClaimName(name)] = value;
  }
  return claims as Claims;
}

/** Claims from AzureDiagnostics columns `identity_claim_<name>_<type suffix>`. */
export function claimsFromColumns(row: Record<string, unknown>): Claims {
  const map: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row)) {
    const match = /^identity_claim_(.+)_[sgdbt]$/.exec(column);
    if (match !== null) map[match[1]!] = value;
  }
  return claimsFromMap(map);
}

/**
 * The caller: the object id (stable across renames), else the UPN, else the application id; the type
 * from `idtyp` when logged. An empty identity (the unauthenticated first request of a challenge) has none.
 */
export function principalFromClaims(claims: Claims): KmsEvent['principal'] {
  const id = claims.oid ?? claims.upn ?? claims.appid;
  if (id === undefined) return null;
  const type = claims.idtyp ?? (claims.upn !== undefined ? 'user' : claims.appid !== undefined ? 'app' : null);
  return { id, type };
}

/**
 * Azure services that use a customer-managed key through their own system-assigned identity: the
 * managed identity's resource id (`xms_mirid`) names the service resource, not a workload [A: from
 * the documented CMK set-ups; a VM's or a function's identity runs customer code and is not listed].
 */
const CMK_SERVICE_TYPES = [
  'microsoft.storage/storageaccounts',
  'microsoft.sql/servers',
  'microsoft.compute/diskencryptionsets',
  'microsoft.documentdb/databaseaccounts',
  'microsoft.dbforpostgresql/flexibleservers',
  'microsoft.dbformysql/flexibleservers',
  'microsoft.eventhub/namespaces',
  'microsoft.servicebus/namespaces',
  'microsoft.containerregistry/registries',
];

export function serviceOfManagedIdentity(mirid: string | undefined): string | null {
  const match = /\/providers\/([^/]+\/[^/]+)\//i.exec(mirid ?? '');
  if (match === null) return null;
  const type = match[1]!.toLowerCase();
  return CMK_SERVICE_TYPES.includes(type) ? match[1]! : null;
}
