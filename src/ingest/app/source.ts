import { readJsonFile, unwrapJsonArray } from '../read-json.ts';
import type { IngestSource } from '../source.ts';
import { normaliseAppEvent } from './normalise.ts';

/** App events come as NDJSON, one JSON array, or a single object. */
export const appEventSource: IngestSource = {
  name: 'app',
  namespace: 'app',
  stream: 'app',
  readFile: (path) => readJsonFile(path, unwrapJsonArray),
  normalise: normaliseAppEvent,
};
