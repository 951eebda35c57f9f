import { z } from 'zod';
import { RetryPolicy } from '../retry-policy.ts';
import { schemaError } from '../../core/schema-error.ts';

const Duration = z.int().positive();

export const AZURE_AUDIT_TABLES = ['AZKVAuditLogs', 'AzureDiagnostics'] as const;

/**
 * API mode for Azure Key Vault: Log Analytics queries through `@azure/monitor-query-logs`, one input
 * per workspace and table (a diagnostic setting writes either the resource-specific AZKVAuditLogs
 * table or AzureDiagnostics). The bearer token is read by reference, from a file re-read on every
 * request (so an external refresher such as a workload identity token exchange can rotate it) or
 * from an environment variable.
 */
export const AzureLogsInputConfig = z
  .strictObject({
    workspaceId: z.string().min(1).describe('The Log Analytics workspace (customer) id'),
    table: z.enum(AZURE_AUDIT_TABLES).default('AZKVAuditLogs'),
    endpoint: z.url({ protocol: /^https$/ }).default('https://api.loganalytics.io/v1').describe('Query API base URL; the SDK refuses plain http for bearer tokens'),
    tokenFile: z.string().min(1).optional().describe('Path to a file holding an access token for the Log Analytics API'),
    tokenEnv: z.string().min(1).optional().describe('Name of an environment variable holding an access token'),
    startTime: z.iso.datetime({ offset: true }).optional().describe('Where the first run starts reading (ingestion time); defaults to now minus initialLookbackMs'),
    initialLookbackMs: Duration.default(60 * 60_000),
    pageSize: z.int().min(1).max(500_000).default(5000).describe('Rows per query; a partial result halves it until the page completes'),
    settleMs: Duration.default(2 * 60_000).describe('Windows end at least this long before now, so an ingestion window is complete when read'),
    maxWindowMs: Duration.default(60 * 60_000),
    maxLatenessMs: Duration.default(3 * 24 * 60 * 60_000).describe('How far TimeGenerated may precede ingestion and still be read (Azure Monitor rewrites TimeGenerated older than 2 days)'),
    serverTimeoutSeconds: z.int().min(1).max(600).default(180),
    pollIntervalMs: Duration.default(60_000),
    retry: RetryPolicy.prefault({}).describe('Backoff and give-up for failed requests'),
  })
  .describe('Azure Key Vault AuditEvent through Log Analytics');
export type AzureLogsInputConfig = z.output<typeof AzureLogsInputConfig>;

export function parseAzureLogsInputConfig(input: unknown): AzureLogsInputConfig {
  const parsed = AzureLogsInputConfig.safeParse(input);
  if (!parsed.success) throw schemaError('CLI_CONFIG_INVALID', 'invalid Azure logs input configuration', parsed.error);
  return parsed.data;
}
