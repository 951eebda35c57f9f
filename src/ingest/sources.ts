import { appEventSource } from './app/source.ts';
import { awsCloudTrailSource } from './aws/source.ts';
import { azureKeyVaultSource } from './azure/source.ts';
import { gcpAuditLogSource } from './gcp/source.ts';
import type { IngestSource } from './source.ts';
import { vaultAuditSource } from './vault/source.ts';

/** Input kinds by the name used in `--input NAME:PATH`. */
export const INGEST_SOURCES: Readonly<Record<string, IngestSource>> = {
  aws: awsCloudTrailSource,
  app: appEventSource,
  vault: vaultAuditSource,
  gcp: gcpAuditLogSource,
  azure: azureKeyVaultSource,
};
