import { describe, expect, it } from 'vitest';
import { azureKeyVaultSource } from '../src/ingest/azure/source.ts';
import { readFixtureDocuments } from './helpers/fixtures.ts';
import { checkFileProperty, checkIngestorProperty } from './helpers/ingest-property.ts';
import { useTempDirs } from './helpers/temp-dir.ts';

const tempDir = useTempDirs();

const records = [
  ...(readFixtureDocuments('azure/storage-insights-logs-auditevent.json')[0] as { records: unknown[] }).records,
  ...readFixtureDocuments('azure/storage-auditevent.ndjson'),
  ...readFixtureDocuments('azure/azure-diagnostics.json'),
  ...readFixtureDocuments('azure/azkv-audit-logs.json'),
];

describe('Azure ingestor under arbitrary and mutated records of all three shapes (fast-check)', () => {
  it('never throws, accounts for every record once, and publishes only valid KmsEvents', { timeout: 300_000 }, async () => {
    const fed = await checkIngestorProperty(azureKeyVaultSource, records, tempDir);
    expect(fed).toBeGreaterThanOrEqual(10_000);
  });

  it('reads exports with cut and garbage lines without throwing, dead-lettering what does not parse', { timeout: 300_000 }, async () => {
    const fed = await checkFileProperty(azureKeyVaultSource, records, tempDir);
    expect(fed).toBeGreaterThanOrEqual(500);
  });
});
