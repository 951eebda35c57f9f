import { readFileSync } from 'node:fs';
import { normaliseAzureRecord } from '../src/ingest/azure/normalise.ts';
import { registerBenchRows } from './ingest-rows.ts';

const RECORDS = 20_000;
const context = { source: 'bench', ingestTime: new Date('2026-01-10T13:00:00Z') };

function fixture(name: string): Record<string, unknown>[] {
  const parsed = JSON.parse(readFileSync(new URL(`../fixtures/azure/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>[] | { records: Record<string, unknown>[] };
  return Array.isArray(parsed) ? parsed : parsed.records;
}

/** RECORDS records cycling through a fixture, each with its own correlation id so that none is a repeat. */
function repeated(records: Record<string, unknown>[], correlationField: string): Record<string, unknown>[] {
  return Array.from({ length: RECORDS }, (_, index) => ({ ...records[index % records.length]!, [correlationField]: `bench-${index}` }));
}

const row = (name: string, records: Record<string, unknown>[]) => ({ name, inputs: records, run: (record: unknown) => normaliseAzureRecord(record, context) });

registerBenchRows(
  row('azure  resource-log JSON record', repeated(fixture('storage-insights-logs-auditevent.json'), 'correlationId')),
  row('azure  AzureDiagnostics row', repeated(fixture('azure-diagnostics.json'), 'CorrelationId')),
  row('azure  AZKVAuditLogs row', repeated(fixture('azkv-audit-logs.json'), 'CorrelationId')),
);
