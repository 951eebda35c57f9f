import { describe, expect, it } from 'vitest';
import { formatCheckpointBody } from '../core/checkpoint-format.ts';
import type { ChainReader, StoredCheckpoint } from '../core/ports.ts';
import { planNextBundle, type ExportAnchor } from './plan.ts';

const ROOT = Buffer.alloc(32, 1).toString('base64');

/** A signed-note-shaped checkpoint (the planner reads bodies only; signatures are verify's business). */
function checkpoint(id: number, size: number, time = `2026-01-10T12:00:${String(id).padStart(2, '0')}.000Z`): StoredCheckpoint {
  const body = formatCheckpointBody({ origin: 'example.com/plan', size, rootBase64: ROOT, headHex: 'ab'.repeat(32), time });
  return { id, size, note: `${body}\n\u2014 example.com/plan AAAAAA==\n` };
}

function readerWith(checkpoints: StoredCheckpoint[]): ChainReader {
  return {
    origin: 'example.com/plan',
    size: () => Math.max(0, ...checkpoints.map((c) => c.size)),
    checkpoints: (afterId = 0) => checkpoints.filter((c) => c.id > afterId)[Symbol.iterator](),
  } as unknown as ChainReader;
}

const anchorAt = (stored: StoredCheckpoint, index: number): ExportAnchor => ({ index, manifestSha256: '00'.repeat(32), checkpoint: stored, body: { origin: 'example.com/plan', size: stored.size, rootBase64: ROOT, headHex: 'ab'.repeat(32), time: '2026-01-10T12:00:00.000Z' } });

describe('planNextBundle', () => {
  const log = [checkpoint(1, 0), checkpoint(2, 10), checkpoint(3, 20), checkpoint(4, 20), checkpoint(5, 35), checkpoint(6, 35), checkpoint(7, 90)];

  it('ends the first bundle at the largest checkpoint within bundleMaxEntries, carrying the checkpoints up to the first of that size', () => {
    const plan = planNextBundle(readerWith(log), null, 30)!;
    expect({ index: plan.index, firstSeq: plan.firstSeq, endSeq: plan.endSeq, closing: plan.closing.checkpoint.id }).toEqual({ index: 1, firstSeq: 0, endSeq: 20, closing: 3 });
    expect(plan.checkpoints).toEqual([log[1]!.note, log[2]!.note]);
  });

  it('starts the next bundle with the previous closing checkpoint, skipping heartbeats of the same size', () => {
    const plan = planNextBundle(readerWith(log), anchorAt(log[2]!, 1), 30)!;
    expect({ index: plan.index, firstSeq: plan.firstSeq, endSeq: plan.endSeq, closing: plan.closing.checkpoint.id }).toEqual({ index: 2, firstSeq: 20, endSeq: 35, closing: 5 });
    expect(plan.checkpoints).toEqual([log[2]!.note, log[4]!.note]);
  });

  it('takes the next checkpoint even when it covers more than bundleMaxEntries, and nothing when no new checkpoint exists', () => {
    expect(planNextBundle(readerWith(log), anchorAt(log[4]!, 2), 30)).toMatchObject({ firstSeq: 35, endSeq: 90 });
    expect(planNextBundle(readerWith(log), anchorAt(log[6]!, 3), 30)).toBeNull();
    expect(planNextBundle(readerWith([checkpoint(1, 0)]), null, 30)).toBeNull();
  });
});
