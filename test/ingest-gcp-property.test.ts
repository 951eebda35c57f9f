import { describe, expect, it } from 'vitest';
import { gcpAuditLogSource } from '../src/ingest/gcp/source.ts';
import { gcpFixtureEntries } from './helpers/fixtures.ts';
import { checkFileProperty, checkIngestorProperty } from './helpers/ingest-property.ts';
import { useTempDirs } from './helpers/temp-dir.ts';

const tempDir = useTempDirs();

describe('GCP ingestor under arbitrary and mutated entries (fast-check)', () => {
  it('never throws, accounts for every entry once, and publishes only valid KmsEvents', { timeout: 300_000 }, async () => {
    const fed = await checkIngestorProperty(gcpAuditLogSource, gcpFixtureEntries(), tempDir);
    expect(fed).toBeGreaterThanOrEqual(10_000);
  });

  it('reads exports with cut and garbage lines without throwing, dead-lettering what does not parse', { timeout: 300_000 }, async () => {
    const fed = await checkFileProperty(gcpAuditLogSource, gcpFixtureEntries(), tempDir);
    expect(fed).toBeGreaterThanOrEqual(500);
  });
});
