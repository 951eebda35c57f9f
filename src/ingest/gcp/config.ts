import { z } from 'zod';
import { RetryPolicy } from '../retry-policy.ts';
import { schemaError } from '../../core/schema-error.ts';

const Duration = z.int().positive();

/**
 * API mode for Google Cloud Audit Logs: Cloud Logging `entries.list` over gRPC (`@google-cloud/logging`),
 * reading the activity and data_access logs of Cloud KMS. Credentials by reference: a service account
 * key file path, or Application Default Credentials when absent.
 */
export const GcpLoggingInputConfig = z
  .strictObject({
    projectId: z.string().min(1).describe('The project the client bills and authenticates against'),
    resourceNames: z
      .array(z.string().regex(/^(projects|organizations|folders|billingAccounts)\/[^/]+$/, 'must be projects/ID, organizations/ID, folders/ID or billingAccounts/ID'))
      .min(1)
      .optional()
      .describe('Where to read the audit logs from; defaults to projects/<projectId>'),
    extraFilter: z.string().optional().describe('A Logging query language clause ANDed to the built filter'),
    credentialsFile: z.string().min(1).optional().describe('Path to a service account key file; Application Default Credentials when absent'),
    apiEndpoint: z.string().min(1).optional().describe('Host of the Cloud Logging API (private or regional endpoints)'),
    port: z.int().min(1).max(65535).optional(),
    plaintext: z.boolean().default(false).describe('gRPC without TLS: only for a local endpoint'),
    startTime: z.iso.datetime({ offset: true }).optional().describe('Where the first run starts reading (receiveTimestamp); defaults to now minus initialLookbackMs'),
    initialLookbackMs: Duration.default(60 * 60_000),
    pageSize: z.int().min(1).max(1000).default(1000).describe('entries.list allows at most 1000 entries per page'),
    settleMs: Duration.default(60_000).describe('Windows end at least this long before now, so an arrival window is complete when read'),
    maxWindowMs: Duration.default(60 * 60_000),
    maxLatenessMs: Duration.default(7 * 24 * 60 * 60_000).describe('How far an entry timestamp may precede its receiveTimestamp and still be read'),
    pageTokenMaxAgeMs: Duration.max(23 * 60 * 60_000).default(60 * 60_000).describe('A page token older than this is not used; the window is re-queried from the cursor (tokens expire after 24 h)'),
    requestTimeoutMs: Duration.default(60_000),
    pollIntervalMs: Duration.default(60_000),
    retry: RetryPolicy.prefault({}).describe('Backoff and give-up for failed requests'),
  })
  .describe('Google Cloud Audit Logs through Cloud Logging entries.list');
export type GcpLoggingInputConfig = z.output<typeof GcpLoggingInputConfig>;

export function parseGcpLoggingInputConfig(input: unknown): GcpLoggingInputConfig {
  const parsed = GcpLoggingInputConfig.safeParse(input);
  if (!parsed.success) throw schemaError('CLI_CONFIG_INVALID', 'invalid GCP logging input configuration', parsed.error);
  return parsed.data;
}
