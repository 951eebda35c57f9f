import { KeytrailError } from '../../core/errors.ts';
import type { ReadItem } from '../read-json.ts';

/** Where an item sat in a body: its line (NDJSON, from 1) or its index (a JSON array or a single object, from 0). */
export type ItemRef = { line: number } | { index: number };

export interface BodyItem {
  ref: ItemRef;
  item: ReadItem;
}

/**
 * App events as one JSON array, one JSON object, or NDJSON (one object per line; empty lines ignored).
 * A body that parses as a whole is a document; otherwise every line is one, and lines that do not parse
 * become failures with their bytes, so every problem can be reported at once.
 */
export function splitAppEventBody(body: Buffer, label: string): BodyItem[] {
  const text = body.toString('utf8');
  const whole = tryParse(text);
  if (whole.ok) {
    const values = Array.isArray(whole.value) ? (whole.value as unknown[]) : [whole.value];
    return values.map((value, index) => ({
      ref: { index },
      item: { ok: true, value, raw: Buffer.from(JSON.stringify(value) ?? 'null', 'utf8'), position: `${label}#${index}` },
    }));
  }
  const items: BodyItem[] = [];
  text.split('\n').forEach((rawLine, index) => {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.trim() === '') return;
    const position = `${label}:${index + 1}`;
    const raw = Buffer.from(line, 'utf8');
    const parsed = tryParse(line);
    items.push({
      ref: { line: index + 1 },
      item: parsed.ok
        ? { ok: true, value: parsed.value, raw, position }
        : { ok: false, error: new KeytrailError('INGEST_LINE_NOT_JSON', `line ${index + 1} is not valid JSON`, { details: { line: index + 1 } }), raw, position },
    });
  });
  return items;
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}
