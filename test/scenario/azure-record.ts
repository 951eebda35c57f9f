import { createHash } from 'node:crypto';
import type { Operation } from '../../src/core/schemas/operations.ts';
import { formatCallTime, type KmsCall } from './calls.ts';
import { AZURE_RESOURCE_GROUP, AZURE_SUBSCRIPTION, AZURE_TENANT } from './cast.ts';
import { API_VERSION, writeAzureShape, type AuditFields, type AzureShape } from './azure-shapes.ts';

const JS_SDK = 'azsdk-js-keyvault-keys/4.10.0 core-rest-pipeline/1.22.0 Node/24.11.1 OS/(x64-Linux-6.8.0-1019-azure)';
const AZURE_CLI = 'AZURECLI/2.79.0 (DEB) azsdk-python-keyvault-keys/4.11.0 Python/3.12.8 (Linux-6.8.0-1019-azure-x86_64-with-glibc2.39)';
const STORAGE_CMK = 'Azure-Storage/9.1 (.NET CLR 8.0.11; Win32NT 10.0.20348.0)';
const AZURE_CLI_APP_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';

const DATA: Partial<Record<Operation, { name: string; action: string; algorithm: string }>> = {
  wrap: { name: 'KeyWrap', action: 'wrapkey', algorithm: 'RSA-OAEP-256' },
  unwrap: { name: 'KeyUnwrap', action: 'unwrapkey', algorithm: 'RSA-OAEP-256' },
  encrypt: { name: 'KeyEncrypt', action: 'encrypt', algorithm: 'RSA-OAEP-256' },
  decrypt: { name: 'KeyDecrypt', action: 'decrypt', algorithm: 'RSA-OAEP-256' },
};

/**
 * The call as a Key Vault `AuditEvent` in `shape`, field for field as `fixtures/azure` (MicrosoftDocs
 * key-vault/general/logging.md; AzureDiagnostics and AZKVAuditLogs columns): key operations on a
 * versioned key identifier, 403 Forbidden and 429 TooManyRequests failures without an `id`, lifecycle
 * (KeyCreate, KeyRotate, the rotation service's KeyRotateIfDue, KeyDelete, KeyPurge), a storage account's
 * managed identity (`xms_mirid`) for CMK. `challenge` renders the SDK's unauthenticated first request
 * for the same call: `Authentication`, 401, `identity: {}`, its own correlation id.
 */
export function renderAzureRecord(call: KmsCall, shape: AzureShape, part: 'call' | 'challenge'): Record<string, unknown> {
  return writeAzureShape(part === 'challenge' ? challengeFields(call) : callFields(call), shape);
}

function callFields(call: KmsCall): AuditFields {
  const { origin, vault, name } = parseKeyUri(call.keyId);
  const version = keyVersion(call.keyId);
  const failed = call.outcome === 'failure';
  const data = DATA[call.operation];
  const lifecycle = data === undefined ? lifecycleOf(call, origin, name) : undefined;
  const automatic = lifecycle?.operationName === 'KeyRotateIfDue';
  const returnedVersion = lifecycle === undefined ? version : keyVersion(`${call.keyId}#${call.eventId}`);
  const throttled = failed && call.variant % 4 === 0;
  return {
    time: formatCallTime(call, 7),
    vault,
    resourceId: vaultResourceId(vault).toUpperCase(),
    operationName: data?.name ?? lifecycle!.operationName,
    resultSignature: failed ? (throttled ? 'TooManyRequests' : 'Forbidden') : 'OK',
    httpStatusCode: failed ? (throttled ? 429 : 403) : 200,
    durationMs: failed ? 1 + (call.variant % 4) : 5 + (call.variant % 40),
    callerIp: automatic ? undefined : call.sourceIp,
    correlationId: call.joinKeys.correlationId ?? derivedGuid(`${call.eventId}/correlation`),
    claims: automatic ? {} : claimsOf(call),
    clientInfo: automatic ? 'KeyVault-RotationService' : call.invokedBy !== null ? STORAGE_CMK : call.principal?.type === 'user' ? AZURE_CLI : JS_SDK,
    requestUri: data === undefined ? lifecycle!.requestUri : `${origin}/keys/${name}/${version}/${data.action}?api-version=${API_VERSION}`,
    id: failed || lifecycle?.operationName === 'KeyPurge' ? undefined : `${origin}/keys/${name}/${returnedVersion}`,
    isAccessPolicyMatch: !failed || throttled,
    algorithm: failed ? undefined : data?.algorithm,
  };
}

function lifecycleOf(call: KmsCall, origin: string, name: string): { operationName: string; requestUri: string } {
  const at = (path: string) => `${origin}/${path}?api-version=${API_VERSION}`;
  switch (call.operation) {
    case 'create-key':
      return { operationName: 'KeyCreate', requestUri: at(`keys/${name}/create`) };
    case 'rotate':
      return isScheduledRotation(call) ? { operationName: 'KeyRotateIfDue', requestUri: at(`keys/${name}/rotateifdue`) } : { operationName: 'KeyRotate', requestUri: at(`keys/${name}/rotate`) };
    case 'destroy':
      return isPurge(call) ? { operationName: 'KeyPurge', requestUri: at(`deletedkeys/${name}`) } : { operationName: 'KeyDelete', requestUri: at(`keys/${name}`) };
    default:
      throw new Error(`no Key Vault operation for ${call.operation}`);
  }
}

/** The rotation policy's own rotation: the service calls KeyRotateIfDue, with no caller. */
export function isScheduledRotation(call: KmsCall): boolean {
  return call.operation === 'rotate' && call.outcome === 'success' && call.variant % 3 === 0;
}

/** Soft delete is always on: KeyDelete schedules the deletion, KeyPurge destroys. */
export function isPurge(call: KmsCall): boolean {
  return call.operation === 'destroy' && call.variant % 2 === 1;
}

/** Newer tokens use short claim names, older ones URI claim types; a CMK identity adds `xms_mirid`. */
function claimsOf(call: KmsCall): Record<string, string> {
  const principal = call.principal!;
  const appid = principal.type === 'user' ? AZURE_CLI_APP_ID : derivedGuid(`${principal.id}/app`);
  if (principal.type === 'user') return { oid: principal.id, upn: principal.name!, appid, idtyp: 'user', tid: AZURE_TENANT };
  if (call.invokedBy !== null) {
    const account = `st${createHash('sha256').update(principal.id).digest('hex').slice(0, 10)}`;
    const mirid = `/subscriptions/${AZURE_SUBSCRIPTION}/resourcegroups/${AZURE_RESOURCE_GROUP}/providers/Microsoft.Storage/storageAccounts/${account}`;
    return { oid: principal.id, appid, idtyp: 'app', xms_mirid: mirid, tid: AZURE_TENANT };
  }
  if (call.variant % 3 === 0) {
    return { 'http://schemas.microsoft.com/identity/claims/objectidentifier': principal.id, appid, 'http://schemas.microsoft.com/identity/claims/tenantid': AZURE_TENANT };
  }
  return { oid: principal.id, appid, idtyp: 'app', tid: AZURE_TENANT };
}

function challengeFields(call: KmsCall): AuditFields {
  const fields = callFields(call);
  return {
    ...fields,
    time: formatCallTime(call, 7, -(30_000_000 + (call.variant % 20) * 1_000_000)),
    operationName: 'Authentication',
    resultSignature: 'Unauthorized',
    httpStatusCode: 401,
    durationMs: 4,
    correlationId: derivedGuid(`${call.eventId}/challenge`),
    claims: {},
    id: undefined,
    isAccessPolicyMatch: true,
    algorithm: undefined,
  };
}

function parseKeyUri(keyId: string): { origin: string; vault: string; name: string } {
  const url = new URL(keyId);
  return { origin: url.origin, vault: url.hostname.split('.')[0]!, name: url.pathname.split('/')[2]! };
}

export function vaultResourceId(vault: string): string {
  return `/subscriptions/${AZURE_SUBSCRIPTION}/resourceGroups/${AZURE_RESOURCE_GROUP}/providers/Microsoft.KeyVault/vaults/${vault}`;
}

/** The key's current version: 32 hex digits, stable per key. */
function keyVersion(seed: string): string {
  return createHash('md5').update(seed).digest('hex');
}

function derivedGuid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
