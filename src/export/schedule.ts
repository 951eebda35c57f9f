import type { ChainReader, Clock } from '../core/ports.ts';
import type { ExportConfig } from './config.ts';
import { exportBundles, type ExportReport } from './export-bundles.ts';
import { openSink } from './open-sink.ts';

export interface ScheduledExportSummary {
  destination: string;
  runs: number;
  bundles: string[];
  entries: number;
  /** Failed runs (the next one resumes); their messages, newest last. */
  failures: string[];
}

export interface ExportScheduleDeps {
  config: ExportConfig;
  clock: Clock;
  /** A read-only chain reader, opened per run (safe beside the running sealer). */
  openReader(): ChainReader & { close(): void };
  verifierKeys(): string[];
  env?: NodeJS.ProcessEnv;
}

export interface ExportSchedule {
  /** Runs an export now if one is due (what the timer calls). */
  tick(): Promise<void>;
  /** Stops the timer, waits for a running export, then exports whatever is signed; a failure of that last export throws. */
  finish(): Promise<ScheduledExportSummary>;
  /** Stops the timer only (the pipeline failed). */
  stop(): void;
}

const CHECK_EVERY_MS = 1_000;

/** Due when `everyEntries` signed-or-not entries are beyond the last export, or `everyMs` passed since the last run. */
export function isExportDue(schedule: ExportConfig['schedule'], state: { lastRunAt: number; exportedTo: number }, now: number, size: number): boolean {
  if (schedule.everyEntries !== undefined && size - state.exportedTo >= schedule.everyEntries) return true;
  return schedule.everyMs !== undefined && now - state.lastRunAt >= schedule.everyMs;
}

/**
 * The export inside `keytrail run`: every `everyEntries` entries or `everyMs`, one export run to the
 * configured destination, never two at once. A failed run is counted and the next one resumes from the
 * destination; the pipeline keeps sealing meanwhile.
 */
export function startExportSchedule(deps: ExportScheduleDeps): ExportSchedule {
  const { config, clock } = deps;
  const state = { lastRunAt: clock.now().getTime(), exportedTo: 0 };
  const summary: ScheduledExportSummary = { destination: config.to, runs: 0, bundles: [], entries: 0, failures: [] };
  let running: Promise<void> | null = null;
  const runOnce = async (): Promise<ExportReport> => {
    const { sink, close } = openSink(config, deps.env);
    const reader = deps.openReader();
    try {
      return await exportBundles({ reader, verifierKeys: deps.verifierKeys(), sink, config, clock });
    } finally {
      reader.close();
      close();
    }
  };
  const record = (report: ExportReport): void => {
    summary.runs += 1;
    summary.bundles.push(...report.bundles.map((bundle) => bundle.name));
    summary.entries += report.entries;
    state.exportedTo = report.chain.exportedTo;
  };
  const tick = async (): Promise<void> => {
    if (running !== null) return;
    const reader = deps.openReader();
    let size: number;
    try {
      size = reader.size();
    } finally {
      reader.close();
    }
    if (!isExportDue(config.schedule, state, clock.now().getTime(), size)) return;
    state.lastRunAt = clock.now().getTime();
    running = runOnce()
      .then(record, (error: unknown) => void summary.failures.push((error as Error).message))
      .finally(() => {
        running = null;
      });
    await running;
  };
  const timer = config.schedule.everyEntries === undefined && config.schedule.everyMs === undefined ? null : setInterval(() => void tick(), Math.min(CHECK_EVERY_MS, config.schedule.everyMs ?? CHECK_EVERY_MS));
  timer?.unref();
  const stop = (): void => {
    if (timer !== null) clearInterval(timer);
  };
  return {
    tick,
    stop,
    async finish() {
      stop();
      if (running !== null) await running;
      record(await runOnce());
      return summary;
    },
  };
}
