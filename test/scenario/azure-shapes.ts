import { AZURE_SUBSCRIPTION } from './cast.ts';

/** One Key Vault AuditEvent before it is written in one of the three shapes. */
export interface AuditFields {
  /** TimeGenerated with its 100-ns ticks (7 digits). */
  time: string;
  vault: string;
  /** The vault's resource id as resource logs write it (upper case). */
  resourceId: string;
  operationName: string;
  resultSignature: string;
  httpStatusCode: number;
  durationMs: number;
  callerIp: string | undefined;
  correlationId: string;
  /** Claim name → value, short (`oid`) or URI claim types, as the token carried them. */
  claims: Record<string, string>;
  clientInfo: string;
  requestUri: string;
  /** The key identifier the service returned (absent on failures). */
  id: string | undefined;
  isAccessPolicyMatch: boolean;
  algorithm: string | undefined;
}

export const API_VERSION = '7.6';

/**
 * Where a diagnostic setting sends Key Vault's AuditEvent, and so its shape: a storage account or Event
 * Hubs (resource-log JSON), Log Analytics in resource-specific mode (AZKVAuditLogs rows) or in the legacy
 * AzureDiagnostics table.
 */
export type AzureShape = 'resource-log' | 'azure-diagnostics' | 'azkv-audit-logs';

const WORKSPACE_TENANT = '3a1b5c7d-9e2f-4a6b-8c0d-1e2f3a4b5c6d';

export function writeAzureShape(fields: AuditFields, shape: AzureShape): Record<string, unknown> {
  switch (shape) {
    case 'resource-log':
      return writeResourceLog(fields);
    case 'azure-diagnostics':
      return writeAzureDiagnosticsRow(fields);
    case 'azkv-audit-logs':
      return writeAzkvAuditLogsRow(fields);
  }
}

/** Azure Monitor's common resource-log schema (`durationMs` a string, `identity.claim`, the rest under `properties`). */
function writeResourceLog(fields: AuditFields): Record<string, unknown> {
  return {
    time: fields.time,
    resourceId: fields.resourceId,
    operationName: fields.operationName,
    operationVersion: API_VERSION,
    category: 'AuditEvent',
    resultType: 'Success',
    resultSignature: fields.resultSignature,
    resultDescription: '',
    durationMs: String(fields.durationMs),
    ...(fields.callerIp === undefined ? {} : { callerIpAddress: fields.callerIp }),
    correlationId: fields.correlationId,
    identity: Object.keys(fields.claims).length === 0 ? {} : { claim: fields.claims },
    properties: {
      clientInfo: fields.clientInfo,
      httpStatusCode: fields.httpStatusCode,
      requestUri: fields.requestUri,
      ...(fields.id === undefined ? {} : { id: fields.id }),
      isAccessPolicyMatch: fields.isAccessPolicyMatch,
      isRbacAuthorized: false,
      tlsVersion: 'TLS1_3',
      ...(fields.algorithm === undefined ? {} : { algorithm: fields.algorithm }),
    },
  };
}

/**
 * A wide AzureDiagnostics row: properties flattened to `<name>_<type suffix>` columns, claims to
 * `identity_claim_<name>_<suffix>` with non-alphanumerics collapsed; columns other rows of the table
 * filled stay as empty cells.
 */
function writeAzureDiagnosticsRow(fields: AuditFields): Record<string, unknown> {
  const claimColumns = Object.fromEntries(Object.entries(fields.claims).map(([name, value]) => [`identity_claim_${flatten(name)}_${suffixOf(value)}`, value]));
  return {
    TenantId: WORKSPACE_TENANT,
    TimeGenerated: fields.time,
    ResourceId: fields.resourceId,
    Category: 'AuditEvent',
    ResourceGroup: fields.resourceId.split('/')[4],
    SubscriptionId: AZURE_SUBSCRIPTION,
    ResourceProvider: 'MICROSOFT.KEYVAULT',
    Resource: fields.vault.toUpperCase(),
    ResourceType: 'VAULTS',
    OperationName: fields.operationName,
    ResultType: 'Success',
    CorrelationId: fields.correlationId,
    ResultDescription: '',
    requestUri_s: fields.requestUri,
    DurationMs: fields.durationMs,
    CallerIPAddress: fields.callerIp ?? '',
    OperationVersion: API_VERSION,
    ResultSignature: fields.resultSignature,
    id_s: fields.id ?? '',
    clientInfo_s: fields.clientInfo,
    httpStatusCode_d: fields.httpStatusCode,
    ...claimColumns,
    identity_claim_upn_s: fields.claims.upn ?? '',
    isAccessPolicyMatch_b: fields.isAccessPolicyMatch,
    tlsVersion_s: 'TLS1_3',
    trustedService_s: '',
    algorithm_s: fields.algorithm ?? '',
    Type: 'AzureDiagnostics',
    _ResourceId: fields.resourceId.toLowerCase(),
  };
}

/** An AZKVAuditLogs row (azkvauditlogs-include.md): typed columns, `Identity` dynamic, `Properties` the rest. */
function writeAzkvAuditLogsRow(fields: AuditFields): Record<string, unknown> {
  return {
    TenantId: WORKSPACE_TENANT,
    TimeGenerated: fields.time,
    OperationName: fields.operationName,
    OperationVersion: API_VERSION,
    ResultType: 'Success',
    ResultSignature: fields.resultSignature,
    ResultDescription: '',
    DurationMs: fields.durationMs,
    CallerIpAddress: fields.callerIp ?? '',
    CorrelationId: fields.correlationId,
    Identity: Object.keys(fields.claims).length === 0 ? {} : { claim: fields.claims },
    Properties: {},
    Id: fields.id ?? '',
    RequestUri: fields.requestUri,
    ClientInfo: fields.clientInfo,
    HttpStatusCode: fields.httpStatusCode,
    IsAccessPolicyMatch: fields.isAccessPolicyMatch,
    IsRbacAuthorized: false,
    Tlsversion: 'TLS1_3',
    TrustedService: '',
    Algorithm: fields.algorithm ?? '',
    SourceSystem: 'Azure',
    Type: 'AZKVAuditLogs',
    _ResourceId: fields.resourceId.toLowerCase(),
    _SubscriptionId: AZURE_SUBSCRIPTION,
  };
}

/** `http://schemas.microsoft.com/identity/claims/objectidentifier` → `http_schemas_microsoft_com_identity_claims_objectidentifier`. */
function flatten(name: string): string {
  return name.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '');
}

/** Log Analytics column type suffixes: `_g` for GUIDs, `_s` for strings. */
function suffixOf(value: string): string {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value) ? 'g' : 's';
}
