/**
 * The rows `bench/ingest.ts` prints. Each provider's file registers its rows when imported, so adding a
 * provider is one import line in bench/ingest.ts.
 */
export interface IngestBenchRow {
  /** e.g. `aws  normaliseCloudTrailRecord`. */
  name: string;
  /** Inputs the row cycles through; every call handles one record. */
  inputs: readonly unknown[];
  run(input: unknown): unknown;
}

export const INGEST_BENCH_ROWS: IngestBenchRow[] = [];

export function registerBenchRows(...rows: IngestBenchRow[]): void {
  INGEST_BENCH_ROWS.push(...rows);
}
