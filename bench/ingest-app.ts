import { readFileSync } from 'node:fs';
import { normaliseAppEvent } from '../src/ingest/app/normalise.ts';
import { registerBenchRows } from './ingest-rows.ts';

const events = readFileSync(new URL('../fixtures/app/app-events.ndjson', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as unknown);
const context = { source: 'bench', ingestTime: new Date('2026-01-10T13:00:00Z') };

registerBenchRows({
  name: `app    normaliseAppEvent (${events.length} fixture events)`,
  inputs: events,
  run: (event) => normaliseAppEvent(event, context),
});
