import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { expect } from 'vitest';
import { KmsEvent } from '../../src/core/schemas/kms-event.ts';
import { ingestFile } from '../../src/ingest/ingest-file.ts';
import { createBatchPublisher, emptyCounts } from '../../src/ingest/publisher.ts';
import type { ReadItem } from '../../src/ingest/read-json.ts';
import type { IngestSource } from '../../src/ingest/source.ts';
import { createIngestHarness } from './ingest-harness.ts';
import { recordMix } from './mutate.ts';

export const PROPERTY_RUNS = 40;
export const RECORDS_PER_RUN = { minLength: 250, maxLength: 300 };

/** JSON bytes of a value; values JSON cannot hold (undefined, functions) are sent as their string form, like a bad line. */
function bytesOf(value: unknown): Buffer {
  try {
    return Buffer.from(JSON.stringify(value) ?? String(value), 'utf8');
  } catch {
    return Buffer.from(String(value), 'utf8');
  }
}

/**
 * Feeds runs of fixture, mutated and arbitrary records through the real batch publisher into a real
 * embedded bus and checks that nothing escapes the ingestor, every record is accounted for exactly
 * once, the normaliser never fails uncoded, and every published event matches the KmsEvent schema.
 * Returns the number of records fed.
 */
export async function checkIngestorProperty(source: IngestSource, bases: readonly unknown[], directory: () => string): Promise<number> {
  let fed = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(recordMix(bases), RECORDS_PER_RUN), async (records) => {
      const harness = createIngestHarness(directory(), '2026-01-10T13:00:00Z');
      try {
        const counts = emptyCounts();
        const publisher = createBatchPublisher(source, 'property', harness.deps, counts);
        records.forEach((value, index) => {
          const item: ReadItem = { ok: true, value, raw: bytesOf(value), position: `property:${index}` };
          publisher.add(item);
        });
        await publisher.flush();
        fed += records.length;
        expect(counts.read).toBe(records.length);
        expect(counts.published + counts.deadLettered + counts.filtered + counts.duplicates).toBe(records.length);
        expect(counts.deadLetterCodes.INGEST_NORMALISER_FAILED ?? 0).toBe(0);
        const events = await harness.kmsEvents();
        expect(events).toHaveLength(counts.published);
        expect(new Set(events.map((event) => event.eventId)).size).toBe(events.length);
        for (const event of events) expect(KmsEvent.safeParse(event).success).toBe(true);
        expect(await harness.deadLetters()).toHaveLength(counts.deadLettered);
      } finally {
        await harness.close();
      }
    }),
    { numRuns: PROPERTY_RUNS, seed: Number(process.env.KEYTRAIL_PROPERTY_SEED ?? Date.now()) | 0 },
  );
  return fed;
}

/** A line of an export as it may arrive: a record's JSON, that JSON cut short, or arbitrary text. */
function lineOf(bases: readonly unknown[]): fc.Arbitrary<string> {
  const json = recordMix(bases).map((value) => bytesOf(value).toString('utf8').replace(/\n/g, ' '));
  return fc.oneof({ arbitrary: json, weight: 6 }, { arbitrary: fc.tuple(json, fc.nat()).map(([text, cut]) => text.slice(0, cut % Math.max(1, text.length))), weight: 2 }, { arbitrary: fc.string({ maxLength: 30 }).map((text) => text.replace(/\n/g, ' ')), weight: 1 });
}

/**
 * The same through whole NDJSON files read by the source's own reader: lines that do not parse are
 * dead-lettered with their bytes, and every item read is accounted for once. Returns the lines fed.
 */
export async function checkFileProperty(source: IngestSource, bases: readonly unknown[], directory: () => string, runs = 10): Promise<number> {
  let fed = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(lineOf(bases), { minLength: 50, maxLength: 150 }), async (lines) => {
      const dir = directory();
      const harness = createIngestHarness(dir, '2026-01-10T13:00:00Z');
      try {
        const path = join(dir, 'export.ndjson');
        writeFileSync(path, `${lines.join('\n')}\n`);
        const counts = await ingestFile(source, path, harness.deps);
        fed += lines.length;
        expect(counts.published + counts.deadLettered + counts.filtered + counts.duplicates).toBe(counts.read);
        expect(counts.deadLetterCodes.INGEST_NORMALISER_FAILED ?? 0).toBe(0);
        expect(await harness.kmsEvents()).toHaveLength(counts.published);
        expect(await harness.deadLetters()).toHaveLength(counts.deadLettered);
      } finally {
        await harness.close();
      }
    }),
    { numRuns: runs, seed: Number(process.env.KEYTRAIL_PROPERTY_SEED ?? Date.now()) | 0 },
  );
  return fed;
}
