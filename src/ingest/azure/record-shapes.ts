import { z } from 'zod';
import { KeytrailError } from '../../core/errors.ts';
import { schemaError } from '../../core/schema-error.ts';
import { claimsFromColumns, claimsFromMap, type Claims } from './claims.ts';

/** One Key Vault AuditEvent, whichever of the three shapes it came in. */
export interface AuditView {
  shape: 'resource-log' | 'azure-diagnostics' | 'azkv-audit-logs';
  /** Out of scope when set: another category, resource provider or table. */
  outOfScope?: string;
  time: string;
  operationName: string;
  resourceId: string | undefined;
  resultType: string | undefined;
  resultSignature: string | undefined;
  httpStatusCode: number | undefined;
  callerIp: string | undefined;
  correlationId: string | undefined;
  clientInfo: string | undefined;
  /** The key URI (`properties.id`, `id_s`, `Id`), versioned when the service returned one. */
  id: string | undefined;
  requestUri: string | undefined;
  trustedService: string | undefined;
  claims: Claims;
}

const Text = z.string().nullish();
/** durationMs is a string in resource-log JSON ("78"), a number in the Log Analytics tables. */
const Numeric = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a number or a numeric string')]).nullish();
const Time = z.union([z.string().min(1), z.date().transform((date) => date.toISOString())]);

/** Resource-log JSON (storage account `insights-logs-auditevent`, Event Hubs): Azure Monitor's common top-level schema. */
const ResourceLogRecord = z.looseObject({
  time: Time,
  operationName: z.string().min(1),
  category: Text,
  resourceId: Text,
  resultType: Text,
  resultSignature: Text,
  durationMs: Numeric,
  callerIpAddress: Text,
  correlationId: Text,
  identity: z.looseObject({ claim: z.record(z.string(), z.unknown()).nullish() }).nullish(),
  properties: z
    .looseObject({ id: Text, requestUri: Text, clientInfo: Text, httpStatusCode: Numeric, trustedService: Text })
    .nullish(),
});

/** AzureDiagnostics rows: shared columns plus `<property>_<type suffix>` columns. */
const AzureDiagnosticsRow = z.looseObject({
  TimeGenerated: Time,
  OperationName: z.string().min(1),
  Category: Text,
  ResourceProvider: Text,
  ResourceId: Text,
  _ResourceId: Text,
  ResultType: Text,
  ResultSignature: Text,
  DurationMs: Numeric,
  CallerIPAddress: Text,
  CorrelationId: Text,
  id_s: Text,
  requestUri_s: Text,
  clientInfo_s: Text,
  httpStatusCode_d: Numeric,
  trustedService_s: Text,
});

/** AZKVAuditLogs rows (azure-reference-other azkvauditlogs-include.md); Identity is dynamic (an object, or its JSON text in CLI exports). */
const AzkvAuditLogsRow = z.looseObject({
  TimeGenerated: Time,
  OperationName: z.string().min(1),
  Type: Text,
  _ResourceId: Text,
  ResultType: Text,
  ResultSignature: Text,
  DurationMs: Numeric,
  CallerIpAddress: Text,
  CorrelationId: Text,
  Id: Text,
  RequestUri: Text,
  ClientInfo: Text,
  HttpStatusCode: Numeric,
  TrustedService: Text,
  Identity: z.union([z.looseObject({ claim: z.record(z.string(), z.unknown()).nullish() }), z.string()]).nullish(),
});

function shapeOf(record: Record<string, unknown>): AuditView['shape'] | undefined {
  if ('operationName' in record || 'time' in record) return 'resource-log';
  if (record.Type === 'AzureDiagnostics' || 'CallerIPAddress' in record || 'ResourceProvider' in record || Object.keys(record).some((key) => /_[sgdb]$/.test(key))) return 'azure-diagnostics';
  if ('OperationName' in record || 'TimeGenerated' in record) return 'azkv-audit-logs';
  return undefined;
}

/** Reads one record of any of the three shapes; throws INGEST_AZURE_RECORD_INVALID listing every problem. */
export function readAuditRecord(value: unknown): AuditView {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new KeytrailError('INGEST_AZURE_RECORD_INVALID', 'an Azure AuditEvent record must be a JSON object', { details: { problems: [{ path: '(root)', message: 'not an object' }] } });
  }
  const record = value as Record<string, unknown>;
  switch (shapeOf(record)) {
    case 'resource-log':
      return fromResourceLog(parse(ResourceLogRecord, record, 'resource-log record'));
    case 'azure-diagnostics':
      return fromAzureDiagnostics(parse(AzureDiagnosticsRow, record, 'AzureDiagnostics row'), record);
    case 'azkv-audit-logs':
      return fromAzkvAuditLogs(parse(AzkvAuditLogsRow, record, 'AZKVAuditLogs row'));
    default:
      throw new KeytrailError('INGEST_AZURE_RECORD_INVALID', 'the record is none of the AuditEvent shapes (resource-log JSON, AzureDiagnostics, AZKVAuditLogs)', {
        details: { problems: [{ path: '(root)', message: 'no time/operationName or TimeGenerated/OperationName' }] },
      });
  }
}

function parse<T extends z.ZodType>(schema: T, record: Record<string, unknown>, what: string): z.output<T> {
  const parsed = schema.safeParse(record);
  if (!parsed.success) throw schemaError('INGEST_AZURE_RECORD_INVALID', `${what} is invalid`, parsed.error);
  return parsed.data;
}

function fromResourceLog(record: z.output<typeof ResourceLogRecord>): AuditView {
  const properties = record.properties ?? {};
  return {
    shape: 'resource-log',
    outOfScope: record.category != null && record.category !== 'AuditEvent' ? `category ${record.category} is not AuditEvent` : undefined,
    time: record.time,
    operationName: record.operationName,
    resourceId: text(record.resourceId),
    resultType: text(record.resultType),
    resultSignature: text(record.resultSignature),
    httpStatusCode: number(properties.httpStatusCode),
    callerIp: text(record.callerIpAddress),
    correlationId: text(record.correlationId),
    clientInfo: text(properties.clientInfo),
    id: text(properties.id),
    requestUri: text(properties.requestUri),
    trustedService: text(properties.trustedService),
    claims: claimsFromMap(record.identity?.claim ?? undefined),
  };
}

function fromAzureDiagnostics(row: z.output<typeof AzureDiagnosticsRow>, raw: Record<string, unknown>): AuditView {
  const provider = text(row.ResourceProvider);
  const category = text(row.Category);
  const outOfScope =
    row.Type !== undefined && row.Type !== 'AzureDiagnostics'
      ? `table ${String(row.Type)} is not AzureDiagnostics`
      : provider !== undefined && provider.toUpperCase() !== 'MICROSOFT.KEYVAULT'
        ? `ResourceProvider ${provider} is not MICROSOFT.KEYVAULT`
        : category !== undefined && category !== 'AuditEvent'
          ? `Category ${category} is not AuditEvent`
          : undefined;
  return {
    shape: 'azure-diagnostics',
    outOfScope,
    time: row.TimeGenerated,
    operationName: row.OperationName,
    resourceId: text(row._ResourceId) ?? text(row.ResourceId),
    resultType: text(row.ResultType),
    resultSignature: text(row.ResultSignature),
    httpStatusCode: number(row.httpStatusCode_d),
    callerIp: text(row.CallerIPAddress),
    correlationId: text(row.CorrelationId),
    clientInfo: text(row.clientInfo_s),
    id: text(row.id_s),
    requestUri: text(row.requestUri_s),
    trustedService: text(row.trustedService_s),
    claims: claimsFromColumns(raw),
  };
}

function fromAzkvAuditLogs(row: z.output<typeof AzkvAuditLogsRow>): AuditView {
  const identity = typeof row.Identity === 'string' ? parseIdentityText(row.Identity) : row.Identity;
  return {
    shape: 'azkv-audit-logs',
    outOfScope: row.Type != null && row.Type !== 'AZKVAuditLogs' ? `table ${row.Type} is not AZKVAuditLogs` : undefined,
    time: row.TimeGenerated,
    operationName: row.OperationName,
    resourceId: text(row._ResourceId),
    resultType: text(row.ResultType),
    resultSignature: text(row.ResultSignature),
    httpStatusCode: number(row.HttpStatusCode),
    callerIp: text(row.CallerIpAddress),
    correlationId: text(row.CorrelationId),
    clientInfo: text(row.ClientInfo),
    id: text(row.Id),
    requestUri: text(row.RequestUri),
    trustedService: text(row.TrustedService),
    claims: claimsFromMap((identity?.claim ?? undefined) as Record<string, unknown> | undefined),
  };
}

function parseIdentityText(value: string): { claim?: Record<string, unknown> | null } | undefined {
  if (value.trim() === '') return undefined;
  try {
    const parsed = JSON.parse(value) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as { claim?: Record<string, unknown> }) : undefined;
  } catch {
    throw new KeytrailError('INGEST_AZURE_RECORD_INVALID', 'AZKVAuditLogs row has an Identity that is neither an object nor JSON text', { details: { problems: [{ path: 'Identity', message: 'not JSON' }] } });
  }
}

function text(value: string | null | undefined): string | undefined {
  return value === null || value === undefined || value === '' ? undefined : value;
}

function number(value: number | string | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  return typeof value === 'number' ? value : Number(value);
}
