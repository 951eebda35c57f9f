import { readFileSync } from 'node:fs';
import { createLogEntryRoot } from '../src/ingest/gcp/descriptor.ts';
import { createEntryDecoder } from '../src/ingest/gcp/decode-entry.ts';
import { normaliseGcpEntry } from '../src/ingest/gcp/normalise.ts';
import { toProtoObject } from '../test/servers/proto3-json-parse.ts';
import { registerBenchRows } from './ingest-rows.ts';

const RECORDS = 20_000;
const context = { source: 'bench', ingestTime: new Date('2026-01-10T13:00:00Z') };

function fixtureEntries(): Record<string, unknown>[] {
  const file = (name: string) => readFileSync(new URL(`../fixtures/gcp/${name}`, import.meta.url), 'utf8');
  const entries = [...(JSON.parse(file('data-access.json')) as Record<string, unknown>[]), ...file('activity-sink.ndjson').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>)];
  return Array.from({ length: RECORDS }, (_, index) => ({ ...entries[index % entries.length]!, insertId: `bench-${index}` }));
}

/** The same entries as @google-cloud/logging hands them over gRPC: plain objects with the AuditLog still in Any bytes. */
function grpcEntries(entries: Record<string, unknown>[]): Record<string, unknown>[] {
  const root = createLogEntryRoot();
  const logEntry = root.lookupType('google.logging.v2.LogEntry');
  const encodeAny = (json: Record<string, unknown>) => {
    const { '@type': typeUrl, ...fields } = json;
    const type = root.lookupType(String(typeUrl).slice(String(typeUrl).lastIndexOf('/') + 1));
    return { type_url: String(typeUrl), value: Buffer.from(type.encode(type.fromObject(toProtoObject(type, fields, encodeAny))).finish()) };
  };
  return entries.map((entry) => logEntry.toObject(logEntry.decode(logEntry.encode(logEntry.fromObject(toProtoObject(logEntry, entry, encodeAny))).finish()), { longs: String, enums: String, defaults: true, oneofs: true }));
}

const entries = fixtureEntries();
const decode = createEntryDecoder();

registerBenchRows(
  { name: 'gcp    normaliseGcpEntry (exported JSON)', inputs: entries, run: (entry) => normaliseGcpEntry(entry, context) },
  {
    name: 'gcp    decode gRPC Any + normalise',
    inputs: grpcEntries(entries),
    run: (entry) => {
      const item = decode(entry as Record<string, unknown>, 'bench');
      return item.ok ? normaliseGcpEntry(item.value, context) : item;
    },
  },
);
