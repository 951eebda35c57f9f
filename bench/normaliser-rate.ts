import { performance } from 'node:perf_hooks';

export interface NormaliserRow {
  normaliser: string;
  records: number;
  recordsPerSecond: number;
  /** records/s of this normaliser ÷ records/s of copying the same records through JSON, measured in the same run. */
  ratioToJsonCopy: number;
}

/** Records per second of `work` over `records`, after a warm-up pass, best of three timed passes. */
export function measureRate(records: readonly unknown[], work: (record: unknown) => unknown): number {
  for (const record of records) work(record);
  let best = 0;
  for (let pass = 0; pass < 3; pass += 1) {
    const start = performance.now();
    for (const record of records) work(record);
    best = Math.max(best, records.length / ((performance.now() - start) / 1000));
  }
  return best;
}

export function measureRow(normaliser: string, records: readonly unknown[], work: (record: unknown) => unknown): NormaliserRow {
  const baseline = measureRate(records, (record) => JSON.parse(JSON.stringify(record)));
  const rate = measureRate(records, work);
  return { normaliser, records: records.length, recordsPerSecond: Math.round(rate), ratioToJsonCopy: Number((rate / baseline).toFixed(3)) };
}

export function formatRows(rows: readonly NormaliserRow[]): string {
  const lines = rows.map((row) => `${row.normaliser.padEnd(34)} ${String(row.recordsPerSecond).padStart(9)} records/s   ${row.ratioToJsonCopy.toFixed(3)} × JSON copy   (${row.records} records)`);
  return `${lines.join('\n')}\n`;
}

/** True when the module is the script node was started with (so the file also runs on its own). */
export function isMainModule(url: string): boolean {
  return process.argv[1] !== undefined && new URL(url).pathname === process.argv[1];
}
