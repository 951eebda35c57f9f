import { readJsonFile, unwrapJsonArray } from '../read-json.ts';
import type { IngestSource } from '../source.ts';
import { normaliseGcpEntry } from './normalise.ts';

/**
 * Exported entries: `gcloud logging read --format=json` writes one JSON array, Cloud Storage sinks write
 * one entry per line (NDJSON), and a single entry may stand alone.
 */
export const gcpAuditLogSource: IngestSource = {
  name: 'gcp',
  namespace: 'gcp',
  stream: 'kms',
  readFile: (path) => readJsonFile(path, unwrapJsonArray),
  normalise: normaliseGcpEntry,
};
