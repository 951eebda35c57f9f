import { canonicalize } from '../core/canonical-json.ts';
import { Entry } from '../core/schemas/entry.ts';

/**
 * What can be learnt from one entry's bytes alone (no neighbours, no position): whether they are JSON,
 * canonical, of the v1 shape, and the fields the chain walk needs. Pure and cheap to send between
 * threads, so worker threads can inspect while the main thread hashes and walks.
 */
export interface EntryInspection {
  notJson?: string;
  /** Present when the bytes are not their own RFC 8785 form. */
  notCanonical?: { at: number; expected: string; actual: string };
  shapeProblems?: string[];
  fields?: { seq: number; prev: string; chain: string; sealedAt: string };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

export function inspectEntryBytes(bytes: Uint8Array): EntryInspection {
  let text: string;
  let value: unknown;
  try {
    text = UTF8.decode(bytes);
    value = JSON.parse(text);
  } catch (error) {
    return { notJson: (error as Error).message };
  }
  const inspection: EntryInspection = {};
  let canonical: string | undefined;
  try {
    canonical = canonicalize(value);
  } catch {
    canonical = undefined;
  }
  if (canonical !== text) {
    const at = firstDifference(canonical ?? '', text);
    inspection.notCanonical = { at, expected: canonical === undefined ? '(no canonical form: not I-JSON)' : JSON.stringify(canonical.slice(at, at + 24)), actual: JSON.stringify(text.slice(at, at + 24)) };
  }
  const parsed = Entry.safeParse(value);
  if (parsed.success) {
    const { seq, prev, chain, sealedAt } = parsed.data;
    inspection.fields = { seq, prev, chain, sealedAt };
  } else {
    inspection.shapeProblems = parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return inspection;
}

function firstDifference(left: string, right: string): number {
  let index = 0;
  while (index < left.length && index < right.length && left[index] === right[index]) index += 1;
  return index;
}
