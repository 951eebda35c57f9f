// bench:query — seals ≥ 1 M synthetic records (not timed), then runs the same `keytrail query` filters through
// the record index and by scanning every entry, in this process, and prints both times and their ratio.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { systemClock } from '../src/core/ports.ts';
import { openChainReader } from '../src/seal/chain-reader.ts';
import { parseSealerConfig } from '../src/seal/config.ts';
import { querySealedRecords, type RecordFilter } from '../src/seal/query.ts';
import { createSealCore } from '../src/seal/seal-core.ts';
import { createNoteSigner, generateNoteKeyPair } from '../src/seal/signer.ts';
import { openChainStore } from '../src/seal/store.ts';
import { parseCount, syntheticBatch, syntheticRecord } from './synthetic-records.ts';

const ENTRIES = parseCount(1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'keytrail-bench-query-'));
const at = (n: number): Date => new Date(syntheticRecord(n).eventTime);

try {
  process.stderr.write(`sealing ${ENTRIES} entries to query (not timed)…\n`);
  const store = openChainStore(join(dir, 'chain.db'), 'bench.keytrail.local/log');
  const core = createSealCore({ store, signers: [createNoteSigner(generateNoteKeyPair('bench.keytrail.local/log').signerKey)], clock: systemClock, config: parseSealerConfig({ checkpointEveryEntries: 100_000 }) });
  for (let from = 0; from < ENTRIES; from += 1000) core.sealBatch(syntheticBatch(from, Math.min(from + 1000, ENTRIES)));
  core.checkpointNow();
  store.close();

  // Records are 37 ms apart; users cycle over 4, keys over 2 (synthetic-records.ts).
  const middle = Math.floor(ENTRIES / 2);
  const filters: { name: string; filter: RecordFilter }[] = [
    { name: 'one user, 10 minutes', filter: { userId: 'alice@acme.example', since: at(middle), until: new Date(at(middle).getTime() + 600_000) } },
    { name: 'one key, 1 minute', filter: { keyId: syntheticRecord(1).keyId!, since: at(middle), until: new Date(at(middle).getTime() + 60_000) } },
    { name: 'unattributed (none)', filter: { kind: 'unattributed' } },
    { name: 'an unknown user', filter: { userId: 'mallory@example.invalid' } },
  ];
  const reader = openChainReader(join(dir, 'chain.db'));
  const run = (filter: RecordFilter, indexed: boolean): { seconds: number; found: number } => {
    const started = performance.now();
    let found = 0;
    for (const _ of querySealedRecords(reader, filter, indexed ? reader.index : undefined)) found += 1;
    return { seconds: (performance.now() - started) / 1000, found };
  };
  console.log(`bench:query  ${ENTRIES.toLocaleString('en-US')} sealed entries; node ${process.version}`);
  console.log(`  ${'filter'.padEnd(24)} ${'found'.padStart(8)} ${'index'.padStart(10)} ${'scan'.padStart(10)}   scan / index`);
  for (const { name, filter } of filters) {
    const indexed = run(filter, true);
    const scanned = run(filter, false);
    if (indexed.found !== scanned.found) throw new Error(`${name}: the index found ${indexed.found}, the scan ${scanned.found}`);
    console.log(`  ${name.padEnd(24)} ${String(indexed.found).padStart(8)} ${`${indexed.seconds.toFixed(3)} s`.padStart(10)} ${`${scanned.seconds.toFixed(3)} s`.padStart(10)}   ${(scanned.seconds / indexed.seconds).toFixed(1)}×`);
  }
  reader.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
