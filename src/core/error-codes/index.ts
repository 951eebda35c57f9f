import { BUS_CODES } from './bus.ts';
import { CLI_CODES } from './cli.ts';
import { CORE_CODES } from './core.ts';
import { CORRELATE_CODES } from './correlate.ts';
import { EXPORT_CODES } from './export.ts';
import { INGEST_CODES } from './ingest.ts';
import { INGEST_APP_CODES } from './ingest-app.ts';
import { INGEST_AWS_CODES } from './ingest-aws.ts';
import { INGEST_VAULT_CODES } from './ingest-vault.ts';
import { INGEST_AZURE_CODES } from './ingest-azure.ts';
import { INGEST_GCP_CODES } from './ingest-gcp.ts';
import { SEAL_CODES } from './seal.ts';
import type { ErrorCodeSpec } from './spec.ts';
import { VERIFY_CODES } from './verify.ts';

export type { ErrorCodeSpec, ExitClass } from './spec.ts';

/** The catalogue of every error code; docs/errors.md documents exactly these (a test keeps them in sync). */
export const ERROR_CODES = {
  ...CORE_CODES,
  ...CLI_CODES,
  ...BUS_CODES,
  ...INGEST_CODES,
  ...INGEST_AWS_CODES,
  ...INGEST_VAULT_CODES,
  ...INGEST_APP_CODES,
  ...INGEST_GCP_CODES,
  ...INGEST_AZURE_CODES,
  ...CORRELATE_CODES,
  ...SEAL_CODES,
  ...VERIFY_CODES,
  ...EXPORT_CODES,
} as const satisfies Record<string, ErrorCodeSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;
