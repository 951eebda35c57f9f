import type { Logger } from 'pino';
import type { SourceRetry } from '../ingest/retry-policy.ts';
import { countContinuousInputs, startContinuousInputs, type ParsedContinuousInputs, type RunningInputs } from '../ingest/continuous.ts';
import { ingestFile, type IngestCounts } from '../ingest/ingest-file.ts';
import type { IngestDeps } from '../ingest/publisher.ts';
import { INGEST_SOURCES } from '../ingest/sources.ts';

export interface InputSummary {
  source: string;
  path: string;
  counts: IngestCounts;
}

/** One long-running source (`sources` in the configuration) and what it published while this run lasted. */
export interface SourceSummary {
  name: string;
  counts: IngestCounts;
  /** Where a listener (Vault socket device, app HTTP intake) was bound. */
  address?: { host: string; port: number };
}

/** The `--input` files, one after the other, each to its end. */
export async function ingestInputFiles(inputs: readonly { source: string; path: string }[], deps: IngestDeps, log: Logger): Promise<InputSummary[]> {
  const summaries: InputSummary[] = [];
  for (const spec of inputs) {
    const counts = await ingestFile(INGEST_SOURCES[spec.source]!, spec.path, deps);
    log.info({ stage: 'ingest', ...spec, counts }, 'input ingested');
    summaries.push({ ...spec, counts });
  }
  return summaries;
}

/**
 * Starts the configured sources (none configured: undefined) and logs each one, with the address a listener
 * was bound to, so an operator who configured port 0 learns the port. In a backfill the API sources read until
 * caught up and the topic intakes until idle; the configuration already refused everything else.
 */
export async function startSources(
  sources: ParsedContinuousInputs,
  deps: IngestDeps & { env: NodeJS.ProcessEnv },
  mode: 'stream' | 'backfill',
  log: Logger,
): Promise<RunningInputs | undefined> {
  if (countContinuousInputs(sources) === 0) return undefined;
  const onRetry = ({ source, error, failures, delayMs }: SourceRetry): void =>
    log.warn({ stage: 'ingest', source, code: error.code, failures, delayMs }, `${source}: ${error.message}; retrying in ${delayMs} ms (failure ${failures} in a row)`);
  const running = await startContinuousInputs(sources, { ...deps, mode, onRetry });
  for (const name of running.names) {
    const address = running.addresses[name];
    if (address === undefined) log.info({ stage: 'ingest', source: name, mode }, 'source started');
    else log.info({ stage: 'ingest', source: name, mode, host: address.host, port: address.port, address: `${address.host}:${address.port}` }, 'source started, listening');
  }
  return running;
}

export function summariseSources(running: RunningInputs | undefined): SourceSummary[] {
  if (running === undefined) return [];
  const counts = running.counts();
  return running.names.map((name) => ({ name, counts: counts[name]!, ...(running.addresses[name] === undefined ? {} : { address: running.addresses[name] }) }));
}
