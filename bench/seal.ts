// bench:seal — seals ≥ 1 M synthetic records through the real sealer core into a real chain.db (WAL,
// synchronous=FULL, one transaction per 1000-record batch, a checkpoint every 10 000 entries), then
// times a bare crypto.hash loop over the same entry bytes, and prints both rates and their ratio.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { systemClock } from '../src/core/ports.ts';
import { parseSealerConfig } from '../src/seal/config.ts';
import { createSealCore } from '../src/seal/seal-core.ts';
import { createNoteSigner, generateNoteKeyPair } from '../src/seal/signer.ts';
import { openChainStore } from '../src/seal/store.ts';
import { cpuSeconds, measureHashBaseline, printComparison } from './hash-baseline.ts';
import { parseCount, syntheticBatch } from './synthetic-records.ts';

const ENTRIES = parseCount(1_000_000);
const BATCH = 1000;
// --keep=DIR leaves the sealed data directory (chain.db, keys/verifier.key) for bench:verify.
const keep = process.argv.find((value) => value.startsWith('--keep='))?.slice('--keep='.length);
const dir = keep ?? mkdtempSync(join(tmpdir(), 'keytrail-bench-seal-'));
try {
  mkdirSync(join(dir, 'keys'), { recursive: true });
  const store = openChainStore(join(dir, 'chain.db'), 'bench.keytrail.local/log');
  const signer = createNoteSigner(generateNoteKeyPair('bench.keytrail.local/log').signerKey);
  writeFileSync(join(dir, 'keys', 'verifier.key'), `${signer.verifierKey}\n`);
  const core = createSealCore({ store, signers: [signer], clock: systemClock, config: parseSealerConfig({ checkpointEveryEntries: 10_000, maxBatchMessages: BATCH }) });
  let sealSeconds = 0;
  let sealCpuSeconds = 0;
  for (let from = 0; from < ENTRIES; from += BATCH) {
    const batch = syntheticBatch(from, Math.min(from + BATCH, ENTRIES)); // built outside the timed part
    const started = performance.now();
    const cpu = process.cpuUsage();
    core.sealBatch(batch);
    sealSeconds += (performance.now() - started) / 1000;
    sealCpuSeconds += cpuSeconds(process.cpuUsage(cpu));
    if (from % 100_000 === 0 && process.stderr.isTTY) process.stderr.write(`\rsealed ${from}…`);
  }
  core.checkpointNow();
  store.close();
  const baseline = measureHashBaseline(join(dir, 'chain.db'));
  printComparison('seal', `${ENTRIES.toLocaleString('en-US')} records sealed: parse, dedup, RFC 8785, chain + leaf hashes, tree nodes, SQLite WAL synchronous=FULL, ${core.counts.checkpoints} signed checkpoints`, { entries: ENTRIES, seconds: sealSeconds, cpuSeconds: sealCpuSeconds }, baseline);
} finally {
  if (keep === undefined) rmSync(dir, { recursive: true, force: true });
}
