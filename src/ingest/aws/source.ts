import { readJsonFile, type Unwrap } from '../read-json.ts';
import type { IngestSource } from '../source.ts';
import { normaliseCloudTrailRecord } from './normalise.ts';

/** CloudTrail log files hold `{"Records": [...]}`; a bare record (one per NDJSON line) is read as itself. */
const unwrapCloudTrailFile: Unwrap = (document) => {
  if (typeof document !== 'object' || document === null || !('Records' in document)) return undefined;
  const records = (document as { Records: unknown }).Records;
  return Array.isArray(records) ? { items: records, pointer: (index) => `/Records/${index}` } : undefined;
};

export const awsCloudTrailSource: IngestSource = {
  name: 'aws',
  namespace: 'aws',
  stream: 'kms',
  readFile: (path) => readJsonFile(path, unwrapCloudTrailFile),
  normalise: normaliseCloudTrailRecord,
};
