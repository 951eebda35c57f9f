import { readJsonFile, type Unwrap } from '../read-json.ts';
import type { IngestSource } from '../source.ts';
import { normaliseAppEvent } from './normalise.ts';

/** App events come as NDJSON, one JSON array, or a single object. */
const unwrapArray: Unwrap = (document) =>
  Array.isArray(document) ? { items: document as unknown[], pointer: (index) => `/${index}` } : undefined;

export const appEventSource: IngestSource = {
  name: 'app',
  namespace: 'app',
  stream: 'app',
  readFile: (path) => readJsonFile(path, unwrapArray),
  normalise: normaliseAppEvent,
};
