import type { KeytrailError } from '../../core/errors.ts';
import type { AddOutcome, FlushResult } from '../publisher.ts';
import type { BodyItem, ItemRef } from './body.ts';

export interface IntakeResponse {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

type LineReport = ItemRef & { status: 'published' | 'duplicate' | 'dead-lettered' | 'not-accepted'; eventId?: string; code?: string; problems?: unknown };

/** 200: every item is on the bus now (published) or was already (duplicate, same eventId). */
export function acceptedResponse(added: { ref: ItemRef; outcome: AddOutcome }[], flushed: FlushResult): IntakeResponse {
  const fates = [...flushed.events];
  const lines: LineReport[] = added.map(({ ref, outcome }) => {
    if (outcome.kind !== 'event') throw new RangeError('an accepted body holds only events');
    const fate = fates.shift()!;
    return { ...ref, status: fate.status, eventId: outcome.dedupKey };
  });
  const published = lines.filter((line) => line.status === 'published').length;
  return { status: 200, body: { status: 'accepted', published, duplicates: lines.length - published, lines } };
}

/** 400: nothing was published; the bad items are in dead-letter, listed with their problems, the rest not accepted. */
export function rejectedResponse(items: BodyItem[], invalid: { ref: ItemRef; outcome: AddOutcome }[]): IntakeResponse {
  const bad = new Map(invalid.map(({ ref, outcome }) => [refKey(ref), outcome]));
  const lines: LineReport[] = items.map(({ ref }) => {
    const outcome = bad.get(refKey(ref));
    if (outcome?.kind !== 'dead-letter') return { ...ref, status: 'not-accepted' };
    return { ...ref, status: 'dead-lettered', code: outcome.error.code, problems: problemsOf(outcome.error) };
  });
  return {
    status: 400,
    body: {
      status: 'rejected',
      code: 'INGEST_APP_BODY_INVALID',
      message: `${invalid.length} of ${items.length} items are not valid app events; nothing in this body was accepted`,
      deadLettered: invalid.length,
      lines,
    },
  };
}

function refKey(ref: ItemRef): string {
  return 'line' in ref ? `line:${ref.line}` : `index:${ref.index}`;
}

function problemsOf(error: KeytrailError): { path: string; message: string }[] {
  const problems = error.details.problems;
  return Array.isArray(problems) ? (problems as { path: string; message: string }[]) : [{ path: '(root)', message: error.message }];
}
