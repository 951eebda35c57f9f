import { z } from 'zod';
import { schemaError } from '../core/schema-error.ts';
import { RetentionMode } from '../core/schemas/bundle-manifest.ts';

/** Seven years, as PCI DSS asks audit trails to be kept, in days (365.25 a year, rounded up). */
export const SEVEN_YEARS_DAYS = 2557;

const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');

export const RetentionPolicy = z.strictObject({
  mode: RetentionMode.default('COMPLIANCE').describe('S3 Object Lock mode: COMPLIANCE (nobody can shorten or delete) or GOVERNANCE (callers with s3:BypassGovernanceRetention can)'),
  retainDays: z.int().min(1).describe('Each bundle object is retained this many days from its export'),
});
export type RetentionPolicy = z.infer<typeof RetentionPolicy>;

export const S3Settings = z.strictObject({
  region: z.string().min(1).default('us-east-1'),
  endpoint: z.url().optional().describe('An S3-compatible endpoint; AWS when absent'),
  forcePathStyle: z.boolean().default(false).describe('bucket in the path instead of the host name (most S3-compatible servers)'),
  credentials: z
    .strictObject({ accessKeyIdEnv: EnvName, secretAccessKeyEnv: EnvName, sessionTokenEnv: EnvName.optional() })
    .optional()
    .describe('Environment variables holding the keys; the AWS SDK default chain when absent'),
});
export type S3Settings = z.infer<typeof S3Settings>;

export const ExportConfig = z
  .strictObject({
    to: z.string().min(1).describe('A local directory, or s3://bucket/prefix'),
    dataClass: z.string().min(1).default('audit').describe('Which retention policy applies to these bundles'),
    retention: z.record(z.string().min(1), RetentionPolicy).default({ audit: { mode: 'COMPLIANCE', retainDays: SEVEN_YEARS_DAYS } }).describe('Retention policy per data class'),
    bundleMaxEntries: z.int().min(1).default(1_000_000).describe('A bundle ends at the largest signed checkpoint within this many entries of its start'),
    segmentMaxEntries: z.int().min(1).default(100_000),
    segmentMaxBytes: z.int().min(1024).default(64 * 1024 * 1024),
    immutable: z.enum(['try', 'off']).default('try').describe('Local destinations: try `chattr +i` on every published file (needs CAP_LINUX_IMMUTABLE) and report where it was not set'),
    s3: S3Settings.prefault({}),
    schedule: z
      .strictObject({
        everyEntries: z.int().min(1).optional().describe('`keytrail run`: export once this many entries are sealed beyond the last bundle'),
        everyMs: z.int().min(1).optional().describe('`keytrail run`: export at least this often'),
      })
      .prefault({}),
  })
  .refine((config) => config.retention[config.dataClass] !== undefined, { path: ['dataClass'], message: 'the data class has no retention policy in `retention`' });
export type ExportConfig = z.output<typeof ExportConfig>;
export type ExportConfigInput = z.input<typeof ExportConfig>;

export function parseExportConfig(input: unknown): ExportConfig {
  const parsed = ExportConfig.safeParse(input ?? {});
  if (!parsed.success) throw schemaError('CLI_CONFIG_INVALID', 'invalid export configuration', parsed.error);
  return parsed.data;
}
