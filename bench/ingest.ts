// `npm run bench:ingest`: records per second of each normaliser, measured in one run on this machine.
// Each provider registers its rows in bench/ingest-<provider>.ts; add one import line per provider.
import './ingest-aws.ts';
import './ingest-vault.ts';
import './ingest-app.ts';
import './ingest-gcp.ts';
import './ingest-azure.ts';
import { availableParallelism, cpus } from 'node:os';
import { INGEST_BENCH_ROWS, type IngestBenchRow } from './ingest-rows.ts';

const WARMUP_MS = 300;
const MEASURE_MS = Number(process.env.BENCH_MEASURE_MS ?? 2_000);

function measure(row: IngestBenchRow, durationMs: number): { records: number; ms: number } {
  let records = 0;
  const start = performance.now();
  let now = start;
  while (now - start < durationMs) {
    // Check the clock once per pass over the inputs (at least 100 records) to keep it out of the loop.
    for (let pass = 0; pass < Math.max(1, Math.ceil(100 / row.inputs.length)); pass += 1) {
      for (const input of row.inputs) row.run(input);
      records += row.inputs.length;
    }
    now = performance.now();
  }
  return { records, ms: now - start };
}

// The same inputs copied through JSON.parse(JSON.stringify()), measured in the same run: the floor any normaliser
// that reads and rebuilds a record pays, so the ratio says how much the normalising itself costs.
const jsonCopy = (row: IngestBenchRow): IngestBenchRow => ({ name: row.name, inputs: row.inputs, run: (input) => JSON.parse(JSON.stringify(input)) });

const results = INGEST_BENCH_ROWS.map((row) => {
  measure(row, WARMUP_MS);
  const { records, ms } = measure(row, MEASURE_MS);
  const copy = measure(jsonCopy(row), MEASURE_MS / 4);
  const perSecond = (records / ms) * 1000;
  return { name: row.name, perSecond, microsPerRecord: (ms * 1000) / records, vsJsonCopy: perSecond / ((copy.records / copy.ms) * 1000) };
});
const baseline = results[0]?.perSecond ?? 1;
const width = Math.max(...results.map((result) => result.name.length));
console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'} (${availableParallelism()} available), ${MEASURE_MS} ms per row, one thread`);
console.log(`${'normaliser'.padEnd(width)}  ${'records/s'.padStart(10)}  ${'µs/record'.padStart(9)}  ${'vs first'.padStart(8)}  ${'vs JSON copy'.padStart(12)}`);
for (const result of results) {
  console.log(
    `${result.name.padEnd(width)}  ${Math.round(result.perSecond).toLocaleString('en-US').padStart(10)}  ${result.microsPerRecord.toFixed(1).padStart(9)}  ${(result.perSecond / baseline).toFixed(2).padStart(8)}  ${result.vsJsonCopy.toFixed(3).padStart(12)}`,
  );
}
