import fc from 'fast-check';

type Json = unknown;
type Path = (string | number)[];

/** Every path to a value inside a JSON document (the root excluded). */
export function pathsOf(value: Json, prefix: Path = []): Path[] {
  if (typeof value !== 'object' || value === null) return [];
  const entries: [string | number, Json][] = Array.isArray(value) ? value.map((item, index) => [index, item]) : Object.entries(value);
  return entries.flatMap(([key, item]) => [[...prefix, key], ...pathsOf(item, [...prefix, key])]);
}

type Mutation = { kind: 'delete' } | { kind: 'set'; value: Json };

/** Values that break schemas the way real records do: wrong types, empties, odd strings and times. */
const oddValue: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom('', ' ', null, 0, -1, 1e308, true, [], {}, 'not-a-time', '2026-13-45T99:99:99Z', '0000-01-01T00:00:00Z', '2026-01-10T12:00:01.123456789012Z', '\u0000', 'keytrail/', 'keytrail/a b', '00000000-0000-0000-0000-000000000000'),
  fc.string({ maxLength: 40 }),
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(fc.constant<Mutation>({ kind: 'delete' }), oddValue.map((value): Mutation => ({ kind: 'set', value })));

function apply(document: Json, path: Path, change: Mutation): Json {
  const copy = structuredClone(document) as Record<string | number, Json>;
  let parent: Record<string | number, Json> = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
  const last = path.at(-1)!;
  if (change.kind === 'set') parent[last] = change.value;
  else if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else delete parent[last];
  return copy;
}

/** A fixture record with one to three of its values deleted or replaced. */
export function mutatedRecord(bases: readonly Json[]): fc.Arbitrary<Json> {
  return fc.constantFrom(...bases).chain((base) => {
    const paths = pathsOf(base);
    return fc.array(fc.tuple(fc.nat({ max: Math.max(0, paths.length - 1) }), mutation), { minLength: 1, maxLength: 3 }).map((changes) => {
      let document = base;
      for (const [index, change] of changes) {
        const candidates = pathsOf(document);
        if (candidates.length === 0) break;
        document = apply(document, candidates[index % candidates.length]!, change);
      }
      return document;
    });
  });
}

/** Records for a property test: fixtures as they are (repeats are duplicates), mutated fixtures, and arbitrary JSON. */
export function recordMix(bases: readonly Json[]): fc.Arbitrary<Json> {
  return fc.oneof({ arbitrary: fc.constantFrom(...bases), weight: 2 }, { arbitrary: mutatedRecord(bases), weight: 5 }, { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 2 }, { arbitrary: fc.anything(), weight: 1 });
}
