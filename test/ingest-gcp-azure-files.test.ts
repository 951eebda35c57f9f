import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { azureKeyVaultSource } from '../src/ingest/azure/source.ts';
import { gcpAuditLogSource } from '../src/ingest/gcp/source.ts';
import { ingestFile } from '../src/ingest/ingest-file.ts';
import { gcpFixtureEntries, readFixtureDocuments } from './helpers/fixtures.ts';
import { createIngestHarness } from './helpers/ingest-harness.ts';
import { useTempDirs } from './helpers/temp-dir.ts';

const tempDir = useTempDirs();

async function ingest(source: typeof gcpAuditLogSource, name: string, contents: string | Buffer) {
  const directory = tempDir();
  const path = join(directory, name);
  writeFileSync(path, contents);
  const harness = createIngestHarness(directory, '2026-01-10T13:00:00Z');
  try {
    return { counts: await ingestFile(source, path, harness.deps), letters: await harness.deadLetters() };
  } finally {
    await harness.close();
  }
}

describe('GCP and Azure export files', () => {
  it('reads a single GCP entry, a gzip-compressed gcloud array, and a sink file with a broken line', async () => {
    const entries = gcpFixtureEntries();
    expect((await ingest(gcpAuditLogSource, 'one.json', JSON.stringify(entries[0], null, 2))).counts).toMatchObject({ read: 1, published: 1 });
    expect((await ingest(gcpAuditLogSource, 'read.json.gz', gzipSync(JSON.stringify(entries)))).counts).toMatchObject({ read: 17, published: 16, filtered: 1 });
    const lines = `${JSON.stringify(entries[0])}\n{"insertId": "cut-\n${JSON.stringify(entries[1])}\n`;
    const { counts, letters } = await ingest(gcpAuditLogSource, 'sink.json', lines);
    expect(counts).toMatchObject({ read: 3, published: 2, deadLettered: 1 });
    expect(letters[0]).toMatchObject({ code: 'INGEST_LINE_NOT_JSON', position: expect.stringMatching(/sink\.json:2$/), rawBase64: Buffer.from('{"insertId": "cut-').toString('base64') });
  });

  it('reads Azure records in every container: records, JSON lines, row arrays, value and a saved query response', async () => {
    const storage = (readFixtureDocuments('azure/storage-insights-logs-auditevent.json')[0] as { records: Record<string, unknown>[] }).records;
    const rows = readFixtureDocuments('azure/azkv-audit-logs.json');
    expect((await ingest(azureKeyVaultSource, 'PT1H.json', JSON.stringify({ records: storage.slice(0, 3) }))).counts).toMatchObject({ read: 3, published: 2, filtered: 1 });
    expect((await ingest(azureKeyVaultSource, 'eventhub.ndjson', `${JSON.stringify({ records: storage.slice(1, 3) })}\n${JSON.stringify({ records: storage.slice(3, 4) })}\n`)).counts).toMatchObject({ read: 3, published: 3 });
    expect((await ingest(azureKeyVaultSource, 'value.json', JSON.stringify({ value: rows }))).counts).toMatchObject({ read: 9, published: 8, filtered: 1 });
    const names = Object.keys(rows[2]!);
    const saved = { tables: [{ name: 'PrimaryResult', columns: names.map((name) => ({ name, type: 'string' })), rows: rows.slice(2, 5).map((row) => names.map((name) => (name === 'Identity' ? JSON.stringify(row[name]) : row[name]))) }] };
    const { counts, letters } = await ingest(azureKeyVaultSource, 'response.json', JSON.stringify(saved));
    expect(letters).toEqual([]);
    expect(counts).toMatchObject({ read: 3, published: 3 });
  });
});
