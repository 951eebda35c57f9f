import type { Logger } from 'pino';
import { isKeytrailError } from '../core/errors.ts';
import type { RunningInputs } from '../ingest/continuous.ts';

export interface StreamingParts {
  /** The running sources, if this process ingests and any are configured. */
  sources: RunningInputs | undefined;
  /** The consuming stages (correlate, seal), each running until the signal it is given aborts. */
  stages: { name: string; run: (signal: AbortSignal) => Promise<void> }[];
  /** SIGTERM / SIGINT. */
  signal: AbortSignal | undefined;
  log: Logger;
}

/**
 * Streaming mode: the sources and the consuming stages run side by side until the signal aborts or one of them
 * fails for good (a source whose retries ran out, a stage's error). Then every part stops after the batch it
 * holds is durable, and the first failure is thrown, so the process exits with that error's code instead of
 * running on without an input, or hanging.
 */
export async function runUntilStopped(parts: StreamingParts): Promise<void> {
  // An ingest-only process without sources is done once its files are read.
  if (parts.sources === undefined && parts.stages.length === 0) return;
  const halt = new AbortController();
  const failures: unknown[] = [];
  const fail = (part: string) => (error: unknown): void => {
    failures.push(error);
    if (halt.signal.aborted) return;
    parts.log.error({ part, code: isKeytrailError(error) ? error.code : undefined, err: error }, 'stopping the run: a part failed');
    halt.abort();
  };
  const stopRequested = (): void => {
    if (!halt.signal.aborted) parts.log.info('stop requested: finishing the batches in hand');
    halt.abort();
  };
  if (parts.signal?.aborted === true) stopRequested();
  parts.signal?.addEventListener('abort', stopRequested, { once: true });
  try {
    // A source that fails while everything stops was most likely interrupted by the stop itself.
    parts.sources?.failed.catch((error: unknown) => {
      if (!halt.signal.aborted) fail('ingest')(error);
    });
    const stages = parts.stages.map((stage) => stage.run(halt.signal).catch(fail(stage.name)));
    await new Promise<void>((resolve) => (halt.signal.aborted ? resolve() : halt.signal.addEventListener('abort', () => resolve(), { once: true })));
    await Promise.all([parts.sources?.stop(), ...stages]);
  } finally {
    parts.signal?.removeEventListener('abort', stopRequested);
  }
  if (failures.length > 0) throw failures[0];
}
