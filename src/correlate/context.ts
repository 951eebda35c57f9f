import type { AttributedRecord } from '../core/schemas/record.ts';
import type { CorrelateConfig } from './config.ts';
import type { JoinState } from './state.ts';
import type { Watermarks } from './watermarks.ts';

/** What the join counts besides the records it emits. */
export interface JoinCounts {
  /** Events whose native id was seen before, with the same bytes: dropped. */
  duplicates: number;
  /** Events whose native id was seen before with different bytes: dead-lettered. */
  duplicateConflicts: number;
  /** Redelivered messages already reflected in the state (a crash between state commit and offset commit). */
  replayed: number;
  /** Windows closed early because the open-window cap was reached. */
  capacityClosed: number;
}

export function emptyJoinCounts(): JoinCounts {
  return { duplicates: 0, duplicateConflicts: 0, replayed: 0, capacityClosed: 0 };
}

/** Everything one step of the join needs; built per batch, inside the batch's transaction. */
export interface JoinContext {
  readonly state: JoinState;
  readonly config: CorrelateConfig;
  readonly watermarks: Watermarks;
  /** Wall-clock time of this batch, from the injected clock; only the idle timer uses it. */
  readonly wallMs: number;
  readonly counts: JoinCounts;
  /** Open windows right now, kept current so the cap is checked without a query per event. */
  pendingCount: number;
  emit(record: AttributedRecord): void;
}
