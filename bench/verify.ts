// bench:verify — verifies a data directory of ≥ 1 M entries with `keytrail verify`'s code path (one
// streamed pass: entry hashes, RFC 8785, shape, seq, prev links, RFC 6962 roots, checkpoints), then
// times a bare crypto.hash loop over the same entry bytes, and prints both rates and their ratio.
// Without --data-dir=DIR (e.g. one left by `bench:seal -- --keep=DIR`), it seals one first, untimed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { verifyDataDirectoryInParallel } from '../src/verify/data-dir.ts';
import { cpuSeconds, measureHashBaseline, printComparison } from './hash-baseline.ts';
import { parseCount } from './synthetic-records.ts';

const given = process.argv.find((value) => value.startsWith('--data-dir='))?.slice('--data-dir='.length);
const dir = given ?? mkdtempSync(join(tmpdir(), 'keytrail-bench-verify-'));
try {
  if (given === undefined) {
    process.stderr.write(`sealing ${parseCount(1_000_000)} entries to verify (not timed)…\n`);
    const sealed = spawnSync(process.execPath, ['--no-warnings', fileURLToPath(new URL('./seal.ts', import.meta.url)), `--entries=${parseCount(1_000_000)}`, `--keep=${dir}`], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (sealed.status !== 0) throw new Error('sealing the bench log failed');
  }
  const key = readFileSync(join(dir, 'keys', 'verifier.key'), 'utf8').trim();
  const workers = Number(process.argv.find((value) => value.startsWith('--workers='))?.slice('--workers='.length) ?? Math.min(4, availableParallelism() - 1));
  const started = performance.now();
  const cpu = process.cpuUsage();
  // Freshness is not what is measured here: the cadence is set so that an old bench log is not stale.
  const report = await verifyDataDirectoryInParallel(dir, { workers, trustedKeys: [key], cadenceMs: Number.MAX_SAFE_INTEGER, onProgress: process.stderr.isTTY ? (count) => process.stderr.write(`\rverified ${count}…`) : undefined });
  const timing = { entries: report.entries, seconds: (performance.now() - started) / 1000, cpuSeconds: cpuSeconds(process.cpuUsage(cpu)) };
  if (!report.ok) throw new Error(`the bench log does not verify: ${JSON.stringify(report.findings.slice(0, 3))}`);
  const baseline = measureHashBaseline(join(dir, 'chain.db'));
  printComparison('verify', `${report.entries.toLocaleString('en-US')} entries and ${report.checkpoints.verified} checkpoints verified in one streamed pass, ${workers} worker thread${workers === 1 ? '' : 's'} inspecting (CPU time counts every thread)`, timing, baseline);
} finally {
  if (given === undefined) rmSync(dir, { recursive: true, force: true });
}
