import type { Provider } from '../core/schemas/common.ts';
import type { JoinState, Side, StreamRow } from './state.ts';

/** Earlier than any event time: the watermark of a stream that has seen nothing. */
export const NO_WATERMARK = -8_640_000_000_000_000;

export interface StreamId {
  side: Side;
  provider: Provider;
  partition: number;
}

export interface Watermarks {
  get(stream: StreamId): number;
  /** Records an arrival on its stream; the watermark before it decides whether the event was late. */
  observe(stream: StreamId, eventTimeMs: number, wallMs: number): { before: number; after: number };
  /** Makes sure a stream someone waits on is known, so the idle timer can advance it even if it never delivers. */
  ensure(stream: StreamId, wallMs: number): void;
  /** Streams silent for `idleTimeoutMs` advance as if time went on at wall-clock pace; returns those that moved. */
  advanceIdle(wallMs: number, idleTimeoutMs: number): { stream: StreamId; watermark: number }[];
  /** Writes changed streams back to the state (inside the batch's transaction). */
  save(): void;
}

/**
 * Per-stream watermarks, a stream being one side (kms or app) of one provider in one partition: the
 * newest event time seen minus the stream's allowed lateness. Tracking them per partition, as Kafka
 * Streams tracks stream time per task, makes the outcome of the join independent of how partitions are
 * spread over instances and of how the two topics interleave.
 */
export function loadWatermarks(state: JoinState, latenessMs: (side: Side, provider: Provider) => number): Watermarks {
  const rows = new Map<string, StreamRow>();
  for (const row of state.loadStreams()) rows.set(streamKey(row), row);
  const dirty = new Set<string>();
  const watermarkOf = (row: StreamRow | undefined): number => {
    if (row === undefined) return NO_WATERMARK;
    const fromEvents = row.maxEventMs === null ? NO_WATERMARK : row.maxEventMs - latenessMs(row.side, row.provider);
    return Math.max(fromEvents, row.idleWmMs ?? NO_WATERMARK);
  };
  const touch = (stream: StreamId, wallMs: number): StreamRow => {
    const key = streamKey(stream);
    let row = rows.get(key);
    if (row === undefined) {
      row = { side: stream.side, provider: stream.provider, partition: stream.partition, maxEventMs: null, idleWmMs: null, lastActivityWallMs: wallMs };
      rows.set(key, row);
      dirty.add(key);
    }
    return row;
  };
  return {
    get: (stream) => watermarkOf(rows.get(streamKey(stream))),
    observe(stream, eventTimeMs, wallMs) {
      const row = touch(stream, wallMs);
      const before = watermarkOf(row);
      row.maxEventMs = row.maxEventMs === null ? eventTimeMs : Math.max(row.maxEventMs, eventTimeMs);
      row.lastActivityWallMs = wallMs;
      dirty.add(streamKey(stream));
      return { before, after: watermarkOf(row) };
    },
    ensure: (stream, wallMs) => void touch(stream, wallMs),
    advanceIdle(wallMs, idleTimeoutMs) {
      const moved: { stream: StreamId; watermark: number }[] = [];
      for (const [key, row] of rows) {
        const silentMs = wallMs - row.lastActivityWallMs;
        if (silentMs < idleTimeoutMs) continue;
        // A stream that never delivered is assumed complete up to the wall clock minus its lateness.
        const reference = row.maxEventMs === null ? wallMs : row.maxEventMs + silentMs;
        const candidate = reference - latenessMs(row.side, row.provider);
        if (candidate <= watermarkOf(row)) continue;
        row.idleWmMs = candidate;
        dirty.add(key);
        moved.push({ stream: { side: row.side, provider: row.provider, partition: row.partition }, watermark: candidate });
      }
      return moved;
    },
    save() {
      for (const key of dirty) state.saveStream(rows.get(key)!);
      dirty.clear();
    },
  };
}

function streamKey(stream: StreamId): string {
  return `${stream.side}\u0000${stream.provider}\u0000${stream.partition}`;
}
