import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeadLetter } from '../src/core/dead-letter.ts';
import { IngestedAppEvent } from '../src/core/schemas/app-event.ts';
import { KmsEvent } from '../src/core/schemas/kms-event.ts';
import { ingestFile } from '../src/ingest/ingest-file.ts';
import type { IngestSource } from '../src/ingest/source.ts';
import { INGEST_SOURCES } from '../src/ingest/sources.ts';
import { APP_EVENTS_FILE, loadAllCloudTrailRecords, loadVaultEntries, readLines, VAULT_FILES } from './helpers/fixtures.ts';
import { openIngestEnv, readTopic } from './helpers/ingest-env.ts';
import { useTempDirs } from './helpers/temp-dir.ts';

const tempDir = useTempDirs();
const RUNS = 25;
const MIN_RECORDS_PER_RUN = 400; // RUNS × MIN_RECORDS_PER_RUN ≥ 10 000 records per ingestor

type Json = unknown;
type Mutation = { kind: 'delete' | 'retype' | 'null' | 'keep'; at: number } | { kind: 'replace'; at: number; value: Json };

/** Every path to a value inside a record (object keys and array indexes), depth first. */
function pathsOf(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [];
  const entries: [string | number, Json][] = Array.isArray(value) ? value.map((item, index) => [index, item]) : Object.entries(value);
  return entries.flatMap(([key, child]) => [[...prefix, key], ...pathsOf(child, [...prefix, key])]);
}

function applyMutation(record: Json, mutation: Mutation): Json {
  const paths = pathsOf(record);
  if (mutation.kind === 'keep' || paths.length === 0) return record;
  const path = paths[mutation.at % paths.length]!;
  const parent = path.slice(0, -1).reduce<Json>((node, key) => (node as Record<string | number, Json>)[key], record) as Record<string | number, Json>;
  const key = path.at(-1)!;
  if (mutation.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else if (mutation.kind === 'null') {
    parent[key] = null;
  } else if (mutation.kind === 'retype') {
    const old = parent[key];
    parent[key] = typeof old === 'string' ? old.length : typeof old === 'number' ? String(old) : typeof old === 'boolean' ? 'true' : 'x';
  } else if (mutation.kind === 'replace') {
    parent[key] = mutation.value;
  }
  return record;
}

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constantFrom('delete' as const, 'retype' as const, 'null' as const, 'keep' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: fc.jsonValue({ maxDepth: 2 }) }),
);

/** A line of input: a fixture record mutated 0-3 times, any JSON value, or any text at all. */
function lineArb(valid: readonly Json[], accept: (value: Json) => boolean): fc.Arbitrary<string> {
  const mutated = fc
    .tuple(fc.constantFrom(...valid), fc.array(mutationArb, { maxLength: 3 }))
    .map(([record, mutations]) => mutations.reduce<Json>((current, mutation) => applyMutation(current, mutation), structuredClone(record)));
  const json = fc.jsonValue({ maxDepth: 3 });
  const text = fc.string({ maxLength: 60 });
  return fc.oneof(
    { weight: 6, arbitrary: mutated.filter(accept).map((value) => JSON.stringify(value)) },
    { weight: 2, arbitrary: json.filter(accept).map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: text.map((value) => value.replace(/[\r\n]/g, ' ')).filter((value) => value.trim() !== '' && isNotContainer(value, accept)) },
  );
}

/** A text line that happens to parse is a JSON line too, and must not be a container the reader unwraps. */
function isNotContainer(text: string, accept: (value: Json) => boolean): boolean {
  try {
    return accept(JSON.parse(text) as Json);
  } catch {
    return true;
  }
}

const isObject = (value: Json): value is Record<string, Json> => typeof value === 'object' && value !== null && !Array.isArray(value);

interface Case {
  source: IngestSource;
  valid: Json[];
  /** Values the file reader would split into several records are left out, so one line is one record. */
  accept: (value: Json) => boolean;
  check: (value: Buffer) => void;
}

const CASES: Record<string, Case> = {
  aws: {
    source: INGEST_SOURCES.aws!,
    valid: loadAllCloudTrailRecords(),
    accept: (value) => !(isObject(value) && Array.isArray(value.Records)),
    check: (value) => KmsEvent.parse(JSON.parse(value.toString())),
  },
  vault: {
    source: INGEST_SOURCES.vault!,
    valid: [...loadVaultEntries(VAULT_FILES.hmac), ...loadVaultEntries(VAULT_FILES.raw)],
    accept: () => true,
    check: (value) => KmsEvent.parse(JSON.parse(value.toString())),
  },
  app: {
    source: INGEST_SOURCES.app!,
    valid: readLines(APP_EVENTS_FILE).map((line) => JSON.parse(line) as Json),
    accept: (value) => !Array.isArray(value),
    check: (value) => IngestedAppEvent.parse(JSON.parse(value.toString())),
  },
};

describe('every ingestor, fed arbitrary and mutated records (fast-check)', () => {
  it.each(Object.keys(CASES))('%s: never throws, and every record is published, dead-lettered, filtered, merged or dropped as a duplicate', async (name) => {
    const { source, valid, accept, check } = CASES[name]!;
    let fed = 0;
    const totals = { published: 0, deadLettered: 0, duplicates: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(lineArb(valid, accept), { minLength: MIN_RECORDS_PER_RUN, maxLength: MIN_RECORDS_PER_RUN + 200 }), async (lines) => {
        const directory = tempDir();
        const path = join(directory, 'input.ndjson');
        // The first line is a valid record, so the reader takes the file as NDJSON and not as one document.
        writeFileSync(path, [JSON.stringify(valid[0]), ...lines].join('\n'));
        const env = openIngestEnv(directory);
        try {
          const counts = await ingestFile(source, path, env);
          const records = lines.length + 1;
          fed += records;
          totals.published += counts.published;
          totals.deadLettered += counts.deadLettered;
          totals.duplicates += counts.duplicates;
          expect(counts.read).toBe(records);
          expect(counts.published + counts.deadLettered + counts.filtered + counts.duplicates + counts.merged).toBe(records);
          const events = await readTopic(env.bus, source.stream === 'kms' ? env.topics.kmsEvents : env.topics.appEvents);
          expect(events).toHaveLength(counts.published);
          for (const event of events) check(event.value);
          const letters = await readTopic(env.bus, env.topics.deadLetter);
          expect(letters).toHaveLength(counts.deadLettered);
          for (const letter of letters) DeadLetter.parse(JSON.parse(letter.value.toString()));
        } finally {
          await env.close();
        }
      }),
      { numRuns: RUNS },
    );
    expect(fed).toBeGreaterThanOrEqual(10_000);
    // The generator reaches every outcome, so the property is not passing on one kind of input only.
    expect(Math.min(totals.published, totals.deadLettered, totals.duplicates)).toBeGreaterThan(100);
  });
});
