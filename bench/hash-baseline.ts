import Database from 'better-sqlite3';
import { hash } from 'node:crypto';
import { performance } from 'node:perf_hooks';

/**
 * The floor any sealer or verifier pays: one bare `crypto.hash('sha256', bytes)` per entry over the
 * very bytes that were sealed, read from chain.db in chunks so that only the hashing is timed.
 */
export interface Timing {
  entries: number;
  /** Wall-clock seconds of the timed part. */
  seconds: number;
  /** CPU seconds the process spent in it: steadier than wall time on a shared machine. */
  cpuSeconds: number;
}

export function cpuSeconds(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1e6;
}

export function measureHashBaseline(chainDbPath: string): Timing & { bytes: number } {
  const db = new Database(chainDbPath, { readonly: true });
  const chunk = db.prepare<[number, number], { bytes: Buffer }>('SELECT bytes FROM entries WHERE seq >= ? AND seq < ? ORDER BY seq');
  let entries = 0;
  let bytes = 0;
  let seconds = 0;
  let cpu = 0;
  let sink = 0;
  try {
    for (let from = 0; ; from += 20_000) {
      const rows = chunk.all(from, from + 20_000).map((row) => row.bytes);
      if (rows.length === 0) break;
      const started = performance.now();
      const usage = process.cpuUsage();
      for (const row of rows) sink ^= hash('sha256', row, 'buffer')[0]!;
      seconds += (performance.now() - started) / 1000;
      cpu += cpuSeconds(process.cpuUsage(usage));
      entries += rows.length;
      for (const row of rows) bytes += row.length;
    }
  } finally {
    db.close();
  }
  if (sink === -1) console.log('unreachable');
  return { entries, bytes, seconds, cpuSeconds: cpu };
}

const rate = (count: number, seconds: number): string => `${Math.round(count / seconds).toLocaleString('en-US')}/s`.padStart(12);

/** Prints the stage's rate, the bare-hash rate over the same bytes, and their ratio, by wall and CPU time. */
export function printComparison(stage: string, what: string, timing: Timing, baseline: Timing & { bytes: number }): void {
  const wallRatio = timing.entries / timing.seconds / (baseline.entries / baseline.seconds);
  const cpuRatio = timing.entries / timing.cpuSeconds / (baseline.entries / baseline.cpuSeconds);
  console.log(`bench:${stage}  ${what}`);
  console.log(`  node ${process.version}, ${(baseline.bytes / baseline.entries).toFixed(0)} B per entry on average`);
  console.log(`                        records/s (wall)   records per CPU-second`);
  console.log(`  ${stage.padEnd(20)}  ${rate(timing.entries, timing.seconds)}       ${rate(timing.entries, timing.cpuSeconds)}   (${timing.seconds.toFixed(1)} s wall, ${timing.cpuSeconds.toFixed(1)} s CPU)`);
  console.log(`  bare crypto.hash      ${rate(baseline.entries, baseline.seconds)}       ${rate(baseline.entries, baseline.cpuSeconds)}   (one SHA-256 per entry over the same bytes, ${(baseline.bytes / baseline.seconds / 1e6).toFixed(0)} MB/s)`);
  console.log(`  ratio ${stage} / hash    ${wallRatio.toFixed(4).padStart(10)}         ${cpuRatio.toFixed(4).padStart(10)}   (1 would mean ${stage} costs no more than hashing each entry once)`);
}
