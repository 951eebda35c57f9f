import { readFile } from 'node:fs/promises';
import { KeytrailError } from '../core/errors.ts';
import { createBatchPublisher, emptyCounts, type IngestCounts, type IngestDeps } from './publisher.ts';
import type { IngestSource } from './source.ts';

export type { IngestCounts, IngestDeps };

/**
 * Reads one file of a source and publishes every record: normalised events to their topic, anything
 * that cannot be read or normalised to dead-letter with its code, position and bytes. Each batch is
 * durable before the next is read, so a crash loses nothing that was reported as published.
 */
export async function ingestFile(source: IngestSource, path: string, deps: IngestDeps): Promise<IngestCounts> {
  const counts = emptyCounts();
  const publisher = createBatchPublisher(source, path, deps, counts);
  const batchSize = deps.batchSize ?? 500;
  try {
    for await (const item of source.readFile(path)) {
      publisher.add(item);
      if (publisher.pending >= batchSize) await publisher.flush();
    }
  } catch (error) {
    if (!(error instanceof KeytrailError) || error.code !== 'INGEST_FILE_NOT_JSON') throw error;
    // The rest of the file cannot be read (corrupt gzip): keep the whole file's bytes with the reason.
    publisher.add({ ok: false, error, raw: await readFile(path), position: `${path}:after-line-${String(error.details.linesRead ?? 0)}` });
  }
  await publisher.flush();
  return counts;
}
