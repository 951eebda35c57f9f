import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));

/** The JSON documents of a fixture file: one array, one object, or one per line. */
export function readFixtureDocuments(relative: string): Record<string, unknown>[] {
  const text = readFileSync(`${FIXTURES}${relative}`, 'utf8');
  try {
    const whole = JSON.parse(text) as unknown;
    return (Array.isArray(whole) ? whole : [whole]) as Record<string, unknown>[];
  } catch {
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

/** Every GCP fixture entry, once (the sink file repeats one entry on purpose). */
export function gcpFixtureEntries(): Record<string, unknown>[] {
  const all = [...readFixtureDocuments('gcp/data-access.json'), ...readFixtureDocuments('gcp/activity-sink.ndjson')];
  const seen = new Set<string>();
  return all.filter((entry) => {
    const id = `${String(entry.logName)}#${String(entry.insertId)}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
