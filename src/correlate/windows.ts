import { closeAlone, expireClosed } from './close.ts';
import type { JoinContext } from './context.ts';
import { decideHeuristic } from './heuristic.ts';
import type { StoredEvent } from './state.ts';
import { waitStream } from './stored.ts';
import type { StreamId } from './watermarks.ts';

const SWEEP_PAGE = 256;

/**
 * Stores a pending row and registers its keys. If the stream it waits on is already past its
 * deadline, it closes at once, exactly as it would have had it arrived earlier.
 */
export function openWindow(ctx: JoinContext, fresh: StoredEvent, keys: readonly string[]): void {
  const row = ctx.state.insertEvent(fresh, keys);
  ctx.pendingCount += 1;
  ctx.watermarks.ensure(waitStream(row), ctx.wallMs);
  settle(ctx, row);
  enforceCapacity(ctx);
}

/** Moves a stored row on while the stream it waits on is past its due time. */
function settle(ctx: JoinContext, row: StoredEvent): void {
  let current: StoredEvent | undefined = row;
  while (current !== undefined && current.status === 'pending' && ctx.watermarks.get(waitStream(current)) > current.dueMs) {
    current = onDue(ctx, current);
  }
}

/**
 * A pending row whose window is due: it closes alone, or, for a heuristic row, first waits a second
 * phase for its candidates' candidates, then decides. Returns the row when it is still pending.
 */
function onDue(ctx: JoinContext, row: StoredEvent): StoredEvent | undefined {
  if (row.mode !== 'heuristic') {
    closeAlone(ctx, row, 'window-closed');
    return undefined;
  }
  if (row.phase === 1) {
    const tolerance = ctx.config.providers[row.provider].heuristic.toleranceMs;
    const next: StoredEvent = { ...row, phase: 2, waitSide: row.side, dueMs: row.eventTimeMs + 2 * tolerance };
    ctx.state.updateEvent(next);
    ctx.watermarks.ensure(waitStream(next), ctx.wallMs);
    return next;
  }
  decideHeuristic(ctx, row, 'window-closed');
  return undefined;
}

/** After a stream's watermark moved: closes the windows waiting on it and ends retentions measured on it. */
export function sweepStream(ctx: JoinContext, stream: StreamId): void {
  const watermark = ctx.watermarks.get(stream);
  for (;;) {
    const due = ctx.state.listDue(stream.side, stream.provider, stream.partition, watermark, SWEEP_PAGE);
    if (due.length === 0) break;
    for (const listed of due) {
      // Deciding one row may have closed or moved another row of the same page: act on the current one.
      const row = ctx.state.getEvent(listed.rowid);
      if (row === undefined || row.waitSide !== stream.side || row.dueMs >= watermark) continue;
      if (row.status === 'closed') expireClosed(ctx, row);
      else settle(ctx, row);
    }
  }
  ctx.state.expireSeen(stream.side, stream.provider, stream.partition, watermark - ctx.config.dedupRetentionMs);
}

/** The cap on open windows: the oldest close early, with reason capacity, never dropped. */
function enforceCapacity(ctx: JoinContext): void {
  while (ctx.pendingCount > ctx.config.maxOpenEvents) {
    const [oldest] = ctx.state.listOldestPending(1);
    if (oldest === undefined) {
      ctx.pendingCount = 0;
      return;
    }
    closeAlone(ctx, oldest, 'capacity');
    ctx.counts.capacityClosed += 1;
  }
}

/**
 * End of input (--once): every open window closes now. Heuristic rows decide first, in event-time
 * order, with every candidate known; the rest close alone with reason end-of-input.
 */
export function closeAllWindows(ctx: JoinContext): void {
  for (;;) {
    const page = ctx.state.listOldestPending(SWEEP_PAGE);
    if (page.length === 0) break;
    for (const listed of page) {
      const row = ctx.state.getEvent(listed.rowid);
      if (row === undefined || row.status !== 'pending') continue;
      if (row.mode === 'heuristic') decideHeuristic(ctx, row, 'end-of-input');
      else closeAlone(ctx, row, 'end-of-input');
    }
  }
}
