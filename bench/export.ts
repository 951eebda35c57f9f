// bench:export — exports a sealed log of ≥ 1 M entries as WORM bundles and verifies the bundles, to a local
// directory and to S3 with Object Lock (moto's server on loopback, as in the tests), and prints entries/s and
// MB/s of each step beside a bare crypto.hash pass over the same bytes. Without --data-dir=DIR (one left by
// `bench:seal -- --keep=DIR`) it seals one first, untimed. --skip-s3 leaves S3 out.
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../src/core/ports.ts';
import { parseExportConfig, type ExportConfigInput } from '../src/export/config.ts';
import { exportBundles, type ExportReport } from '../src/export/export-bundles.ts';
import { openSink } from '../src/export/open-sink.ts';
import { openChainReader } from '../src/seal/chain-reader.ts';
import { verifyPath } from '../src/verify/data-dir.ts';
import { S3_TEST_ENV, startMoto } from '../test/setup/moto-server.ts';
import { cpuSeconds, measureHashBaseline, type Timing } from './hash-baseline.ts';
import { parseCount } from './synthetic-records.ts';

const given = process.argv.find((value) => value.startsWith('--data-dir='))?.slice('--data-dir='.length);
const skipS3 = process.argv.includes('--skip-s3');
const workers = Math.min(4, availableParallelism() - 1);
const dir = given ?? mkdtempSync(join(tmpdir(), 'keytrail-bench-export-'));
const scratch = mkdtempSync(join(tmpdir(), 'keytrail-bench-export-out-'));
Object.assign(process.env, S3_TEST_ENV);

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; timing: Omit<Timing, 'entries'> }> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const result = await work();
  return { result, timing: { seconds: (performance.now() - started) / 1000, cpuSeconds: cpuSeconds(process.cpuUsage(cpu)) } };
}

async function exportTo(config: ExportConfigInput): Promise<ExportReport> {
  const parsed = parseExportConfig(config);
  const { sink, close } = openSink(parsed);
  const reader = openChainReader(join(dir, 'chain.db'));
  try {
    return await exportBundles({ reader, verifierKeys: [key()], sink, config: parsed, clock: systemClock });
  } finally {
    reader.close();
    close();
  }
}

const key = (): string => readFileSync(join(dir, 'keys', 'verifier.key'), 'utf8').trim();
const rows: string[] = [];
function row(step: string, entries: number, bytes: number, timing: Omit<Timing, 'entries'>, note: string): void {
  rows.push(`  ${step.padEnd(22)} ${`${Math.round(entries / timing.seconds).toLocaleString('en-US')}/s`.padStart(12)}  ${`${(bytes / timing.seconds / 1e6).toFixed(0)} MB/s`.padStart(9)}  ${timing.seconds.toFixed(1).padStart(6)} s wall ${timing.cpuSeconds.toFixed(1).padStart(6)} s CPU  ${note}`);
}

async function verifyTimed(path: string, s3?: { endpoint: string; forcePathStyle: boolean }): Promise<{ entries: number; timing: Omit<Timing, 'entries'> }> {
  const { result, timing } = await timed(() => verifyPath(path, { workers, trustedKeys: [key()], s3 }));
  if (!result.ok || result.kind !== 'bundle-chain') throw new Error(`the exported bundles do not verify: ${JSON.stringify(result).slice(0, 2000)}`);
  return { entries: result.entries, timing };
}

try {
  if (given === undefined) {
    process.stderr.write(`sealing ${parseCount(1_000_000)} entries to export (not timed)…\n`);
    const sealed = spawnSync(process.execPath, ['--no-warnings', fileURLToPath(new URL('./seal.ts', import.meta.url)), `--entries=${parseCount(1_000_000)}`, `--keep=${dir}`], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (sealed.status !== 0) throw new Error('sealing the bench log failed');
  }
  const local = join(scratch, 'worm');
  const exported = await timed(() => exportTo({ to: local }));
  const bytes = exported.result.bytes;
  const immutable = exported.result.bundles.flatMap((bundle) => bundle.files).filter((file) => file.immutable?.set === true).length;
  const files = exported.result.bundles.flatMap((bundle) => bundle.files).length;
  row('export, local', exported.result.entries, bytes, exported.timing, `${exported.result.bundles.length} bundle(s), fsync'd, immutable on ${immutable}/${files}`);
  const verifiedLocal = await verifyTimed(local);
  row('verify, local chain', verifiedLocal.entries, bytes, verifiedLocal.timing, `${workers} inspecting thread(s)`);
  if (!skipS3) {
    const moto = await startMoto();
    try {
      const client = new S3Client({ endpoint: moto.endpoint, region: 'us-east-1', forcePathStyle: true });
      await client.send(new CreateBucketCommand({ Bucket: 'keytrail-bench', ObjectLockEnabledForBucket: true }));
      client.destroy();
      const s3 = await timed(() => exportTo({ to: 's3://keytrail-bench/audit', s3: { endpoint: moto.endpoint, forcePathStyle: true } }));
      row('export, S3 (moto)', s3.result.entries, s3.result.bytes, s3.timing, 'Object Lock COMPLIANCE, ChecksumSHA256, If-None-Match');
      const verifiedS3 = await verifyTimed('s3://keytrail-bench/audit', { endpoint: moto.endpoint, forcePathStyle: true });
      row('verify, S3 chain', verifiedS3.entries, s3.result.bytes, verifiedS3.timing, 'GET by version id, HEAD for retention and checksum');
    } finally {
      await moto.stop();
    }
  }
  const baseline = measureHashBaseline(join(dir, 'chain.db'));
  row('bare crypto.hash', baseline.entries, baseline.bytes, baseline, 'one SHA-256 per entry over the same bytes (floor)');
  console.log(`bench:export  ${exported.result.entries.toLocaleString('en-US')} entries (${(bytes / 1e6).toFixed(0)} MB of bundles) exported and verified; node ${process.version}`);
  console.log(`  step                       entries/s       MB/s`);
  for (const line of rows) console.log(line);
} finally {
  spawnSync('chattr', ['-R', '-i', scratch], { stdio: 'ignore' });
  rmSync(scratch, { recursive: true, force: true });
  if (given === undefined) rmSync(dir, { recursive: true, force: true });
}
