import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { normaliseCloudTrailRecord } from '../src/ingest/aws/normalise.ts';
import { registerBenchRows } from './ingest-rows.ts';

const directory = new URL('../fixtures/aws/', import.meta.url);
const records = readdirSync(directory)
  .filter((name) => name.endsWith('.json.gz'))
  .flatMap((name) => (JSON.parse(gunzipSync(readFileSync(new URL(name, directory))).toString('utf8')) as { Records: { eventSource: string }[] }).Records)
  .filter((record) => record.eventSource === 'kms.amazonaws.com');
const context = { source: 'bench', ingestTime: new Date('2026-01-10T13:00:00Z') };

registerBenchRows({
  name: `aws    normaliseCloudTrailRecord (${records.length} fixture records)`,
  inputs: records,
  run: (record) => normaliseCloudTrailRecord(record, context),
});
