import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const DEMO = fileURLToPath(new URL('../../fixtures/demo/', import.meta.url));
const TRAIL = '111122223333_CloudTrail_eu-west-1_20260110T1205Z_Xk2mQ9vT4pLw8RzA.json.gz';

interface Templates {
  kms: Record<string, unknown>;
  app: Record<string, unknown>;
}

/** The demo fixtures' first Decrypt record and first app event, which follow the documented schemas. */
function loadTemplates(): Templates {
  const trail = JSON.parse(gunzipSync(readFileSync(join(DEMO, TRAIL))).toString('utf8')) as { Records: Record<string, unknown>[] };
  const kms = trail.Records.find((record) => record.eventName === 'Decrypt' && (record.userIdentity as { type: string }).type === 'AssumedRole')!;
  const app = JSON.parse(readFileSync(join(DEMO, 'app-events.ndjson'), 'utf8').split('\n')[0]!) as Record<string, unknown>;
  return { kms, app };
}

const uuid = (kind: number, index: number): string => `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;

export interface GeneratedInputs {
  /** CloudTrail log files and app-event files, in the order to ingest them (one of each per part). */
  parts: { aws: string; app: string }[];
  /** Every input event as the chain names it: `kms:aws:<eventID>` and `app:<eventId>`. */
  inputIds: string[];
  /** How many KMS events have an app partner (so many attributed records). */
  pairs: number;
}

/**
 * `pairs` KMS Decrypt calls each explained by an app event, plus KMS calls nobody explains and app events
 * whose KMS call never shows up (one per `unmatchedEvery` pairs each), split into `parts` files per source.
 */
export function writeGeneratedInputs(directory: string, options: { pairs: number; parts: number; unmatchedEvery: number }): GeneratedInputs {
  const templates = loadTemplates();
  const kmsRecords: Record<string, unknown>[] = [];
  const appEvents: Record<string, unknown>[] = [];
  const inputIds: string[] = [];
  const base = Date.parse('2026-01-10T12:00:00Z');
  const addKms = (index: number, requestId: string): void => {
    const eventId = uuid(1, index);
    kmsRecords.push({ ...templates.kms, eventID: eventId, requestID: requestId, eventTime: new Date(base + index * 1000).toISOString().replace('.000Z', 'Z') });
    inputIds.push(`kms:aws:${eventId}`);
  };
  const addApp = (index: number, requestId: string): void => {
    const eventId = uuid(2, index);
    appEvents.push({ ...templates.app, eventId, kmsRequestId: requestId, time: new Date(base + index * 1000 - 200).toISOString(), requestId: `req-${index}` });
    inputIds.push(`app:${eventId}`);
  };
  let index = 0;
  for (let pair = 0; pair < options.pairs; pair += 1, index += 1) {
    addKms(index, uuid(3, index));
    addApp(index, uuid(3, index));
    if (pair % options.unmatchedEvery === 0) {
      index += 1;
      addKms(index, uuid(3, index));
      index += 1;
      addApp(index, uuid(3, index));
    }
  }
  const parts: GeneratedInputs['parts'] = [];
  for (let part = 0; part < options.parts; part += 1) {
    const slice = <T>(items: T[]): T[] => items.slice(Math.floor((items.length * part) / options.parts), Math.floor((items.length * (part + 1)) / options.parts));
    const aws = join(directory, `111122223333_CloudTrail_eu-west-1_part${part}.json`);
    const app = join(directory, `app-events-part${part}.ndjson`);
    writeFileSync(aws, JSON.stringify({ Records: slice(kmsRecords) }));
    writeFileSync(app, slice(appEvents).map((event) => JSON.stringify(event)).join('\n') + '\n');
    parts.push({ aws, app });
  }
  return { parts, inputIds, pairs: options.pairs };
}
