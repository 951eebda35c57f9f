import type { EntryInspection } from './entry-inspect.ts';
import type { EntrySource, SourceEntry } from './entry-source.ts';
import { createInspectPool } from './inspect-pool.ts';
import { startLogWalk } from './log-walk.ts';
import type { VerifyOptions } from './options.ts';
import type { VerifyReport } from './report.ts';

export { DEFAULT_CADENCE_MS, DEFAULT_GRACE_MS, PROGRESS_EVERY } from './log-walk.ts';
export type { VerifyOptions } from './options.ts';


/** Verifies a log in one streamed pass on this thread. */
export function verifyLog(source: EntrySource, options: VerifyOptions = {}): VerifyReport {
  const walk = startLogWalk(source, options);
  for (const stored of source.entries()) walk.step(stored);
  return walk.finish();
}

const BATCH_ENTRIES = 512;
const MIN_ENTRIES_FOR_WORKERS = 20_000;

/** A batch's inspections; a worker failure surfaces when the batch is awaited, never as an unhandled rejection. */
function inspectQuietly(pool: ReturnType<typeof createInspectPool>, batch: readonly SourceEntry[]): Promise<EntryInspection[]> {
  const inspections = pool.inspect(batch.map((entry) => entry.bytes));
  inspections.catch(() => undefined);
  return inspections;
}

/**
 * The same pass with `workers` threads parsing, canonicalising and shape-checking entries while this
 * thread reads, hashes and walks them in order. Findings and report are identical to verifyLog's.
 */
export async function verifyLogInParallel(source: EntrySource, options: VerifyOptions & { workers: number }): Promise<VerifyReport> {
  // Starting a worker costs about as much as inspecting a few thousand entries.
  if (options.workers < 1 || (source.sizeHint?.() ?? Number.POSITIVE_INFINITY) < MIN_ENTRIES_FOR_WORKERS) return verifyLog(source, options);
  const walk = startLogWalk(source, options);
  const pool = createInspectPool(options.workers);
  const inFlight: { batch: SourceEntry[]; inspections: Promise<EntryInspection[]> }[] = [];
  const drainOne = async (): Promise<void> => {
    const next = inFlight.shift()!;
    const inspections = await next.inspections;
    next.batch.forEach((stored, index) => walk.step(stored, inspections[index]));
  };
  try {
    let batch: SourceEntry[] = [];
    for (const stored of source.entries()) {
      batch.push(stored);
      if (batch.length < BATCH_ENTRIES) continue;
      inFlight.push({ batch, inspections: inspectQuietly(pool, batch) });
      batch = [];
      // Two batches per worker keep every worker busy while the oldest one is walked.
      if (inFlight.length >= options.workers * 2) await drainOne();
    }
    if (batch.length > 0) inFlight.push({ batch, inspections: inspectQuietly(pool, batch) });
    while (inFlight.length > 0) await drainOne();
  } finally {
    await pool.close();
  }
  return walk.finish();
}
