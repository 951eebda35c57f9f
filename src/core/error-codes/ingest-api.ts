import type { ErrorCatalogue } from './spec.ts';

/** Codes shared by the provider API inputs that page through time windows (GCP entries.list, Azure Log Analytics). */
export const INGEST_API_CODES = {
  INGEST_API_CURSOR_INVALID: { exit: 'usage', retriable: false, summary: 'A stored API cursor cannot be parsed; the ingest state was changed by hand or by an incompatible version.' },
} as const satisfies ErrorCatalogue;
